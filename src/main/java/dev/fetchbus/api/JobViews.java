package dev.fetchbus.api;

import dev.fetchbus.config.Secrets;
import dev.fetchbus.store.JobRow;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.OffsetDateTime;

/** JSON views of jobs, and the parsing of what clients send about them. */
public final class JobViews {
  private JobViews() {}

  public static JsonObject detail(JobRow job) {
    JsonObject counts = new JsonObject();
    job.urlStates().forEach(counts::put);
    long finished = job.urlStates().getOrDefault("done", 0L) + job.urlStates().getOrDefault("failed", 0L);
    return new JsonObject()
        .put("id", job.id())
        .put("kind", job.kind())
        .put("state", job.state())
        // the job's credentials (auth, secret headers, cookie values, the proxy's password) stay in the
        // database, for its fetches; nobody reads them back
        .put("options", Secrets.maskedJobOptions(job.options()))
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

  /** A job in a listing: what it is and where it stands, without the counts that cost a scan. */
  static JsonObject summary(JobRow job) {
    return new JsonObject()
        .put("id", job.id())
        .put("kind", job.kind())
        .put("state", job.state())
        .put("accepted", job.accepted())
        .put("createdAt", text(job.createdAt()))
        .put("startedAt", text(job.startedAt()))
        .put("finishedAt", text(job.finishedAt()))
        .put("stopReason", job.stopReason());
  }

  /** A whole-number query parameter within bounds, or {@code fallback} when absent; 400 otherwise. */
  static long parseBounded(String raw, String name, long fallback, long min, long max) {
    if (raw == null) {
      return fallback;
    }
    try {
      long value = Long.parseLong(raw);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiError.badRequest(name + " must be a whole number from " + min + " to " + max + ", got '" + raw + "'");
  }

  static int parseBounded(String raw, String name, int fallback, int min, int max) {
    return (int) parseBounded(raw, name, (long) fallback, min, max);
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
      Object value = Json.decodeValue(body);
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
