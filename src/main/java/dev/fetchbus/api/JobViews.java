package dev.fetchbus.api;

import dev.fetchbus.store.JobRow;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.OffsetDateTime;

/** JSON views of jobs, and the parsing of what clients send about them. */
final class JobViews {
  private JobViews() {}

  static JsonObject detail(JobRow job) {
    JsonObject counts = new JsonObject();
    job.urlStates().forEach(counts::put);
    long finished = job.urlStates().getOrDefault("done", 0L) + job.urlStates().getOrDefault("failed", 0L);
    return new JsonObject()
        .put("id", job.id())
        .put("kind", job.kind())
        .put("state", job.state())
        .put("options", job.options())
        .put("accepted", job.accepted())
        .put("duplicates", job.duplicates())
        .put("rejected", job.rejected())
        .put("rejectedSamples", job.rejectedSamples())
        .put("urls", counts)
        .put("createdAt", text(job.createdAt()))
        .put("startedAt", text(job.startedAt()))
        .put("finishedAt", text(job.finishedAt()))
        .put("pagesPerSecond", pagesPerSecond(finished, job.startedAt(), job.finishedAt()))
        .put("crawl", job.crawl())
        .put("stopReason", job.stopReason());
  }

  static double pagesPerSecond(long finished, OffsetDateTime started, OffsetDateTime ended) {
    if (started == null || finished == 0) {
      return 0.0;
    }
    OffsetDateTime end = ended != null ? ended : OffsetDateTime.now();
    double seconds = Math.max(0.001, Duration.between(started, end).toNanos() / 1e9);
    return Math.round(finished / seconds * 10) / 10.0;
  }

  static long parseId(String raw) {
    try {
      long id = Long.parseLong(raw);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // falls through to 404: an id that cannot exist names no job
    }
    throw ApiError.notFound("No job " + raw);
  }

  static JsonObject parseObject(Buffer body) {
    try {
      Object value = io.vertx.core.json.Json.decodeValue(body);
      if (value instanceof JsonObject object) {
        return object;
      }
    } catch (DecodeException e) {
      throw new ApiError(400, "invalid_json", "The body is not valid JSON: " + e.getMessage());
    }
    throw new ApiError(400, "invalid_json", "The body must be a JSON object");
  }

  private static String text(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }
}
