package dev.fetchbus.bridge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Each job's progress, published on {@code fetchbus.bridge.progress.<job>} every
 * {@code bridge.progressMs} while someone follows it, read from the job's own HTTP view with the
 * key of the client that first registered. A client may register only for a job its key may read
 * (the owner's or an admin's): the registration is checked by that same read. The last event of a
 * job has its final state, and the feed stops there.
 */
final class ProgressFeeds {
  static final String PREFIX = "fetchbus.bridge.progress.";
  static final Pattern ADDRESS = Pattern.compile(Pattern.quote(PREFIX) + "(\\d{1,18})");
  private static final Set<String> FINAL = Set.of("done", "cancelled", "failed");

  private final Vertx vertx;
  private final ApiCalls api;
  private final long periodMs;
  /** Running feeds by job id; only touched on the bridge verticle's event loop. */
  private final Map<Long, Long> timers = new HashMap<>();

  ProgressFeeds(Vertx vertx, ApiCalls api, long periodMs) {
    this.vertx = vertx;
    this.api = api;
    this.periodMs = periodMs;
  }

  /** The job of a progress address, or null when the address is not one. */
  static Long jobOf(String address) {
    Matcher m = address == null ? null : ADDRESS.matcher(address);
    return m != null && m.matches() ? Long.valueOf(m.group(1)) : null;
  }

  /** Whether this key may follow the job; if so its feed runs (one per job, however many follow it). */
  Future<Boolean> admit(long job, String authorization) {
    return read(job, authorization).map(view -> {
      timers.computeIfAbsent(job, id -> vertx.setPeriodic(periodMs, t -> tick(job, authorization)));
      return true;
    }).otherwise(false);
  }

  private void tick(long job, String authorization) {
    read(job, authorization).onComplete(read -> {
      if (read.failed()) {
        stop(job); // the job is gone, or the key no longer reads it
        return;
      }
      JsonObject event = event(read.result());
      vertx.eventBus().publish(PREFIX + job, event);
      if (FINAL.contains(event.getString("state"))) {
        stop(job);
      }
    });
  }

  private Future<JsonObject> read(long job, String authorization) {
    return api.call(HttpMethod.GET, "/v1/jobs/" + job, authorization, null);
  }

  private void stop(long job) {
    Long timer = timers.remove(job);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }

  void stopAll() {
    timers.values().forEach(vertx::cancelTimer);
    timers.clear();
  }

  static JsonObject event(JsonObject job) {
    return new JsonObject().put("job", job.getLong("id")).put("state", job.getString("state"))
        .put("accepted", job.getLong("accepted")).put("urls", job.getJsonObject("urls"))
        .put("pagesPerSecond", job.getValue("pagesPerSecond"));
  }
}
