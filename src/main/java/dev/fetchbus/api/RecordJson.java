package dev.fetchbus.api;

import dev.fetchbus.content.Header;
import dev.fetchbus.content.PageFacts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.List;

/** A stored record as JSON: the export's line, and {@code GET /v1/jobs/{id}/pages/{cursor}}. */
final class RecordJson {
  private RecordJson() {}

  static JsonObject of(Row row) {
    String errorCode = row.getString("error_code");
    JsonObject json = new JsonObject()
        .put("cursor", row.getLong("url_id"))
        .put("url", row.getString("url"))
        .put("finalUrl", row.getString("final_url"))
        .put("status", row.getInteger("status"))
        .put("contentType", row.getString("content_type"))
        .put("bytes", row.getLong("bytes"))
        .put("truncated", row.getBoolean("truncated"))
        .put("title", row.getString("title"))
        .put("description", row.getString("description"))
        .put("canonical", row.getString("canonical"))
        .put("lang", row.getString("lang"))
        .put("contentHash", row.getString("content_hash"))
        .put("bodyStored", row.getBoolean("body_stored"))
        .put("links", row.getInteger("links"))
        .put("fetchedAt", instant(row.getOffsetDateTime("fetched_at")))
        .put("elapsedMs", row.getInteger("elapsed_ms"))
        .put("redirects", row.getInteger("redirects"))
        .put("attempts", row.getInteger("attempts"))
        .put("protocol", row.getString("protocol"))
        .put("error", errorCode == null ? null
            : new JsonObject().put("code", errorCode).put("message", row.getString("error_message")))
        .put("depth", row.getInteger("depth"))
        .put("discoveredFrom", row.getString("discovered_from"))
        .put("kind", row.getString("kind"))
        .put("notModified", row.getBoolean("not_modified"));
    return json;
  }

  /** Adds the stored link list (null when the record kept none). */
  static void outlinks(JsonObject json, Row row) {
    String text = row.getString("outlinks");
    json.put("outlinks", text == null ? null : new JsonArray(List.copyOf(PageFacts.outlinksFrom(text))));
  }

  /** Adds the heads of the exchange: {@code {"request": [[name, value], ...], "response": [...]}}. */
  static void headers(JsonObject json, Row row) {
    json.put("headers", new JsonObject()
        .put("request", pairs(row.getValue("request_headers")))
        .put("response", pairs(row.getValue("response_headers")))
        .put("reason", row.getString("reason")));
  }

  private static JsonArray pairs(Object stored) {
    JsonArray json = new JsonArray();
    Header.fromJson(stored).forEach(h -> json.add(new JsonArray().add(h.name()).add(h.value())));
    return json;
  }

  static String instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }
}
