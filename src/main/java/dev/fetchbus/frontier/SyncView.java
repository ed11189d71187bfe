package dev.fetchbus.frontier;

import dev.fetchbus.content.Response;
import dev.fetchbus.fetch.FetchOutcome;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** The JSON a synchronous fetch answers with: the fields of a job's result record. */
final class SyncView {
  private SyncView() {}

  static JsonObject of(FetchOutcome outcome) {
    Response o = outcome.response();
    return new JsonObject()
        .put("finalUrl", o.finalUrl())
        .put("status", o.status())
        .put("contentType", o.contentType())
        .put("bytes", o.bytes())
        .put("truncated", o.truncated())
        .put("title", o.title())
        .put("contentHash", o.contentHash())
        .put("links", o.facts().links())
        .put("description", o.facts().description())
        .put("canonical", o.facts().canonical())
        .put("lang", o.facts().lang())
        .put("fetchedAt", Instant.ofEpochMilli(o.fetchedAtMs()).toString())
        .put("elapsedMs", o.elapsedMs())
        .put("redirects", o.redirects())
        .put("notModified", o.notModified())
        .put("error", outcome.failed()
            ? new JsonObject().put("code", outcome.error().code()).put("message", outcome.errorMessage()) : null)
        .put("body", body(o));
  }

  /**
   * The stored body, still compressed (the API node decompresses it on a worker, not this event
   * loop): {@code {"codec", "size", "data"}} with the bytes in base64 once encoded.
   */
  private static JsonObject body(Response o) {
    if (o.body() == null || o.body().isReference()) {
      return null;
    }
    return new JsonObject().put("codec", o.body().codec()).put("size", o.body().size()).put("data", o.body().data());
  }

  static JsonObject withoutBody(JsonObject view) {
    JsonObject copy = view.copy();
    copy.remove("body");
    return copy;
  }
}
