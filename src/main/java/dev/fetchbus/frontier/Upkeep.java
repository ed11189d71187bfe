package dev.fetchbus.frontier;

import dev.fetchbus.config.Settings;
import dev.fetchbus.metrics.FrontierMetrics;
import dev.fetchbus.store.BodyTable;
import dev.fetchbus.store.FrontierTable;
import dev.fetchbus.store.JobPurge;
import dev.fetchbus.store.JobTable;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * The frontier's periodic chores that touch none of its scheduling state: gauges read from the
 * database (queued URLs, the content store's size) and the retention sweep.
 */
final class Upkeep {
  private static final long GAUGES_EVERY_MS = 5000;

  private Upkeep() {}

  static void start(Vertx vertx, Pool pool, Settings settings, FrontierMetrics metrics) {
    FrontierTable frontier = new FrontierTable(pool);
    BodyTable bodies = new BodyTable(pool);
    vertx.setPeriodic(GAUGES_EVERY_MS, id -> frontier.queuedCount().onSuccess(metrics::queued));
    vertx.setPeriodic(GAUGES_EVERY_MS, id -> bodies.totalBytes().onSuccess(metrics::storedBodyBytes));
    new JobRetention(vertx, new JobTable(pool), new JobPurge(pool), settings.job().retentionDays())
        .start(settings.job().retentionSweepSeconds());
  }
}
