package dev.fetchbus.api;

import dev.fetchbus.cache.NodeShared;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code http.maxExportsPerUser} exports (results, WARC, CDXJ) per user at once on a node,
 * across its API instances: one user's slow or stalled readers cannot take every export a node can
 * serve. A slot is held until the response ends or its connection closes. Exports read keyset pages
 * and hold no database connection between pages, so the cap is about the node's work, not the pool.
 */
final class ExportSlots {
  private final Vertx vertx;
  private final int perUser;
  private final long stallMs;
  private final Map<Long, AtomicInteger> inUse;

  ExportSlots(Vertx vertx, int perUser, int stallSeconds) {
    this.vertx = vertx;
    this.perUser = perUser;
    this.stallMs = stallSeconds * 1000L;
    this.inUse = NodeShared.get(vertx, "api.exportsPerUser", ConcurrentHashMap::new);
  }

  /** How long an export waits for its client to read before it is closed ({@code http.exportStallSeconds}). */
  long stallMs() {
    return stallMs;
  }

  Vertx vertx() {
    return vertx;
  }

  /**
   * Takes a slot for the user's export on {@code response}, or throws 429 when the user has none
   * left. Returns what gives it back (idempotent): the export runs it when its connection closes,
   * and the response's end does too.
   */
  Runnable take(long userId, HttpServerResponse response) {
    AtomicInteger running = inUse.computeIfAbsent(userId, id -> new AtomicInteger());
    if (running.incrementAndGet() > perUser) {
      running.decrementAndGet();
      throw ApiError.tooMany("too_many_exports", "At most " + perUser + " exports at once per user "
          + "(http.maxExportsPerUser); one ends when its client has read it", 1);
    }
    AtomicBoolean released = new AtomicBoolean();
    Runnable release = () -> {
      if (released.compareAndSet(false, true)) {
        running.decrementAndGet();
      }
    };
    response.endHandler(v -> release.run());
    return release;
  }
}
