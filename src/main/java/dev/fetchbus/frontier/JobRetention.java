package dev.fetchbus.frontier;

import dev.fetchbus.store.JobPurge;
import dev.fetchbus.store.JobTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code job.retentionDays}: ended jobs older than that are purged in the background, a few per
 * round, every {@code job.retentionSweepSeconds}. Every fetch node sweeps; a job two nodes pick at
 * once is purged by the first, and the second finds it gone.
 */
final class JobRetention {
  private static final Logger log = LoggerFactory.getLogger(JobRetention.class);
  private static final int PER_ROUND = 10;
  private final Vertx vertx;
  private final JobTable jobs;
  private final JobPurge purge;
  private final int days;
  private boolean sweeping;

  JobRetention(Vertx vertx, JobTable jobs, JobPurge purge, int days) {
    this.vertx = vertx;
    this.jobs = jobs;
    this.purge = purge;
    this.days = days;
  }

  void start(int sweepSeconds) {
    if (days > 0) {
      vertx.setPeriodic(sweepSeconds * 1000L, id -> sweep());
    }
  }

  private void sweep() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    jobs.endedBefore(days, PER_ROUND)
        .compose(this::purgeEach)
        .onFailure(err -> log.warn("The retention sweep failed; it runs again later", err))
        .onComplete(done -> sweeping = false);
  }

  private Future<Void> purgeEach(List<Long> ids) {
    Future<Void> chain = Future.succeededFuture();
    for (long id : ids) {
      chain = chain.compose(v -> purge.purge(id)).map(purged -> {
        purged.ifPresent(p -> log.info("Purged job {} after {} days: {}", id, days, p.encode()));
        return null;
      });
    }
    return chain;
  }
}
