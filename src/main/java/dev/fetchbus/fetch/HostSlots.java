package dev.fetchbus.fetch;

import dev.fetchbus.config.JobOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A politeness slot of a host, borrowed from the frontier for one connection of a rendered page
 * (the frontier's {@code LentSlots} answers, on the node owning the host). The slot is granted
 * under the job's {@code hostConcurrency} and {@code hostDelayMs}, sharing the host's state with
 * the fetches of it, so a page's subresources on a host count as fetches of that host do.
 */
public final class HostSlots {
  /** Node-local: where a fetcher asks its own frontier for a slot. */
  public static final String ADDRESS = "fetchbus.hostslot";
  /** The politeness key of the host (its origin), its name (for its partition), and the job's limits. */
  public static final String ORIGIN = "origin";
  public static final String HOST = "host";
  public static final String CONCURRENCY = "hostConcurrency";
  public static final String DELAY_MS = "hostDelayMs";
  /** How long the borrower waits for the slot; a slot granted later is not handed out. */
  public static final String WAIT_MS = "waitMs";
  /** How long the slot may be held before it is taken back, released or not (the borrower may be gone). */
  public static final String HOLD_MS = "holdMs";

  private HostSlots() {}

  /**
   * Waits (on the event bus, never blocking) up to {@code waitMs} for a slot of {@code origin};
   * completes with what gives it back, once however often it is called.
   */
  static Future<Runnable> take(Vertx vertx, String origin, String host, JobOptions job, long waitMs, long holdMs) {
    JsonObject ask = new JsonObject().put(ORIGIN, origin).put(HOST, host).put(CONCURRENCY, job.hostConcurrency())
        .put(DELAY_MS, job.hostDelayMs()).put(WAIT_MS, waitMs).put(HOLD_MS, holdMs);
    return vertx.eventBus()
        .<JsonObject>request(ADDRESS, ask, new DeliveryOptions().setLocalOnly(true).setSendTimeout(waitMs))
        .map(grant -> {
          AtomicBoolean given = new AtomicBoolean();
          // the grant asked for a reply: replying is the release
          return () -> {
            if (given.compareAndSet(false, true)) {
              grant.reply(null);
            }
          };
        });
  }
}
