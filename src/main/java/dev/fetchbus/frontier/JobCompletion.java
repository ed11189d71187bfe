package dev.fetchbus.frontier;

import dev.fetchbus.store.JobTable;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes jobs. Jobs this node wrote pages for are checked shortly after the write (a few
 * writes share one check); every running job is swept every few seconds as a safety net (a node
 * may die between its last write and its check).
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
  private Set<Long> touched = new HashSet<>();
  private long checkTimer = -1;

  JobCompletion(Vertx vertx, JobTable jobs) {
    this.vertx = vertx;
    this.jobs = jobs;
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
      checkTimer = vertx.setTimer(CHECK_AFTER_MS, id -> {
        checkTimer = -1;
        checkTouched();
      });
    }
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
