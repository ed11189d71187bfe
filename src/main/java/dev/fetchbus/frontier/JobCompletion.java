package dev.fetchbus.frontier;

import dev.fetchbus.store.JobTable;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes jobs. Jobs this node wrote pages for are checked shortly after the write (a few
 * writes share one check), or at once when the node holds no more work of the job and the write
 * queued no new links, as after a job's last page; every running job is swept every few seconds
 * as a safety net (a node may die between its last write and its check).
 * Jobs past their maxDurationSeconds are stopped every second.
 * Finished jobs are announced on {@link #JOB_FINISHED}.
 */
final class JobCompletion {
  static final String JOB_FINISHED = "fetchbus.job.finished";
  private static final Logger log = LoggerFactory.getLogger(JobCompletion.class);
  private final Vertx vertx;
  private final JobTable jobs;
  /** How long a check waits for more writes to share it: short, so a job ends when its last page is stored. */
  private static final long CHECK_AFTER_MS = 50;
  private final long checkAfterMs;
  private Set<Long> touched = new HashSet<>();
  private long checkTimer = -1;

  JobCompletion(Vertx vertx, JobTable jobs) {
    this(vertx, jobs, CHECK_AFTER_MS);
  }

  JobCompletion(Vertx vertx, JobTable jobs, long checkAfterMs) {
    this.vertx = vertx;
    this.jobs = jobs;
    this.checkAfterMs = checkAfterMs;
  }

  void start() {
    vertx.setPeriodic(5000, id -> jobs.finishAllComplete().onSuccess(this::announce)
        .onFailure(err -> log.warn("Sweeping for finished jobs failed", err)));
    vertx.setPeriodic(1000, id -> jobs.expireOverdue().onSuccess(this::announce)
        .onFailure(err -> log.warn("Stopping overdue jobs failed", err)));
  }

  void touched(long jobId) {
    touched.add(jobId);
    if (checkTimer < 0) {
      checkTimer = vertx.setTimer(checkAfterMs, id -> {
        checkTimer = -1;
        checkTouched();
      });
    }
  }

  /**
   * After a batch of records is written: when it queued no new links and one of the jobs touched
   * since the last check has no work left on this node ({@code holdsWork} false), the job may be
   * complete now, so the check runs at once instead of up to {@link #CHECK_AFTER_MS} later. The
   * database decides (other nodes may still hold the job's URLs); this only saves the wait.
   * Answers whether it checked.
   */
  boolean written(boolean queuedLinks, LongPredicate holdsWork) {
    if (queuedLinks || touched.stream().allMatch(holdsWork::test)) {
      return false;
    }
    if (checkTimer >= 0) {
      vertx.cancelTimer(checkTimer);
      checkTimer = -1;
    }
    checkTouched();
    return true;
  }

  private void checkTouched() {
    if (touched.isEmpty()) {
      return;
    }
    List<Long> ids = new ArrayList<>(touched);
    touched = new HashSet<>();
    jobs.finishIfComplete(ids).onSuccess(this::announce).onFailure(err -> touched.addAll(ids)); // the sweep retries
  }

  private void announce(List<Long> finished) {
    finished.forEach(id -> {
      log.info("Job {} is done", id);
      vertx.eventBus().publish(JOB_FINISHED, new JsonObject().put("jobId", id));
    });
  }
}
