package dev.fetchbus.cli;

import io.vertx.core.json.JsonObject;

/**
 * Where a job stands, from a progress event ({@code GET /v1/jobs/{id}/events}) or the job itself
 * ({@code GET /v1/jobs/{id}}): URLs finished (a record, with or without an error), of how many
 * known so far (a crawl's total grows as it discovers links). The views measure the rate
 * themselves, over this run: the job's own average counts the time a resumed job lay stopped.
 */
record JobProgress(long id, String state, long done, long failed, long total) {
  static JobProgress of(JsonObject job) {
    JsonObject urls = job.getJsonObject("urls", new JsonObject());
    long done = urls.getLong("done", 0L);
    long failed = urls.getLong("failed", 0L);
    long total =
        done + failed + urls.getLong("queued", 0L) + urls.getLong("leased", 0L) + urls.getLong("cancelled", 0L);
    return new JobProgress(job.getLong("id"), job.getString("state"), done, failed, total);
  }

  long finished() {
    return done + failed;
  }

  boolean ended() {
    return "done".equals(state) || "cancelled".equals(state);
  }

  /** "1 error", "2 errors". */
  String errors() {
    return failed + (failed == 1 ? " error" : " errors");
  }
}
