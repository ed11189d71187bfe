package dev.fetchbus.bridge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Each job's progress, published on {@code fetchbus.bridge.progress.<job>} every
 * {@code bridge.progressMs} from the first registration until the job ends, read from the job's own
 * HTTP view with a key of the clients that registered (the first that still works: when one is
 * revoked, the next is used). A client may register only for a job its key may read (the owner's
 * or an admin's): the registration is checked by that same read. The last event of a job has its
 * final state, and the feed stops there. A feed is not stopped when its followers leave: it ends
 * with its job, at one read per period.
 */
final class ProgressFeeds {
  static final String PREFIX = "fetchbus.bridge.progress.";
  static final Pattern ADDRESS = Pattern.compile(Pattern.quote(PREFIX) + "(\\d{1,18})");
  private static final Set<String> FINAL = Set.of("done", "cancelled", "failed");

  private final Vertx vertx;
  private final ApiCalls api;
  private final long periodMs;
  /** One job's feed: its timer, and the keys that may read the job, first used first. */
  private record Feed(long timer, LinkedHashSet<String> keys) {}

  /** Running feeds by job id; only touched on the bridge verticle's event loop. */
  private final Map<Long, Feed> feeds = new HashMap<>();

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
      feeds.computeIfAbsent(job, id -> new Feed(vertx.setPeriodic(periodMs, t -> tick(job)),
          new LinkedHashSet<>())).keys().add(authorization);
      return true;
    }).otherwise(false);
  }

  private void tick(long job) {
    Feed feed = feeds.get(job);
    if (feed == null || feed.keys().isEmpty()) {
      stop(job);
      return;
    }
    String authorization = feed.keys().iterator().next();
    read(job, authorization).onComplete(read -> {
      if (read.failed()) {
        feed.keys().remove(authorization); // the job is gone, or this key no longer reads it: try the next
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
    Feed feed = feeds.remove(job);
    if (feed != null) {
      vertx.cancelTimer(feed.timer());
    }
  }

  void stopAll() {
    feeds.values().forEach(feed -> vertx.cancelTimer(feed.timer()));
    feeds.clear();
  }

  static JsonObject event(JsonObject job) {
    return new JsonObject().put("job", job.getLong("id")).put("state", job.getString("state"))
        .put("accepted", job.getLong("accepted")).put("urls", job.getJsonObject("urls"))
        .put("pagesPerSecond", job.getValue("pagesPerSecond"));
  }
}
