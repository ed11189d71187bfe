package dev.fetchbus.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.Map;

/** A job as stored, with the count of its URLs in each frontier state. */
public record JobRow(
    long id,
    long userId,
    String kind,
    String state,
    JsonObject options,
    long accepted,
    long duplicates,
    long rejected,
    JsonArray rejectedSamples,
    OffsetDateTime createdAt,
    OffsetDateTime startedAt,
    OffsetDateTime finishedAt,
    JsonObject crawl,
    String stopReason,
    Map<String, Long> urlStates) {

  /** This job with its URLs counted by state: the one field that changes after the row is read. */
  public JobRow withUrlStates(Map<String, Long> states) {
    return new JobRow(id, userId, kind, state, options, accepted, duplicates, rejected, rejectedSamples, createdAt,
        startedAt, finishedAt, crawl, stopReason, states);
  }
}
