package dev.fetchbus.api;

import dev.fetchbus.cache.NodeShared;
import dev.fetchbus.cache.SingleFlightCache;
import dev.fetchbus.metrics.Meters;
import dev.fetchbus.store.BodyTable;
import dev.fetchbus.store.JobRow;
import dev.fetchbus.store.JobTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The counted part of a job's detail: its URLs by state and what its records keep in the content
 * store. Counting them reads every URL and record of the job (27 ms for a crawl of 5,000 pages,
 * seconds for a million), so a client polling a running job would have the database recount it
 * at every poll: a benchmark polling every 50 ms spent more of PostgreSQL on that than on storing
 * the pages. So the figures of a running job are shared by all callers on this node (single
 * flight) and reused for at most {@link #COST_FACTOR} times what counting them cost, between
 * {@link #MIN_AGE} and {@link #MAX_AGE}: recounting takes at most about 5 % of one database
 * connection per job watched, and a small job's figures are a quarter-second old at most. An
 * ended job's figures no longer change (a purge deletes the job), so they are counted once after
 * it ends and kept.
 */
final class JobFigures {
  static final Duration MIN_AGE = Duration.ofMillis(250);
  static final Duration MAX_AGE = Duration.ofSeconds(60);
  static final int COST_FACTOR = 20;
  private static final Duration ENDED_AGE = Duration.ofMinutes(10);
  private static final Set<String> ENDED = Set.of("done", "cancelled");

  private final JobTable jobs;
  private final BodyTable bodies;
  private final SingleFlightCache<Key, Figures> cache;

  JobFigures(Vertx vertx, JobTable jobs, BodyTable bodies) {
    this.jobs = jobs;
    this.bodies = bodies;
    this.cache = NodeShared.get(vertx, "job-figures",
        () -> new SingleFlightCache<>("job-figures", 10_000, JobFigures::maxAge, Meters.registry()));
  }

  /** A job's figures: counted when it ended, or while it runs, as they were at most {@link #maxAge} ago. */
  record Figures(Map<String, Long> urlStates, JsonObject stored, long costNanos, boolean ended) {}

  /** An ended job is counted again, whatever was counted while it ran. */
  private record Key(long jobId, boolean ended) {}

  Future<Figures> of(JobRow job) {
    boolean ended = ENDED.contains(job.state());
    return cache.get(new Key(job.id(), ended), key -> count(key.jobId(), ended));
  }

  /** The job with its URL states, and its content-store usage, as one detail object. */
  Future<JsonObject> detail(JobRow job) {
    return of(job).map(f -> JobViews.detail(job.withUrlStates(f.urlStates())).put("stored", f.stored()));
  }

  /** The job with its URL states (as {@code JobTable.withUrlStates}, from these figures). */
  Future<JobRow> withUrlStates(JobRow job) {
    return of(job).map(f -> job.withUrlStates(f.urlStates()));
  }

  private Future<Figures> count(long jobId, boolean ended) {
    long start = System.nanoTime();
    return jobs.urlStates(jobId).compose(states -> bodies.jobUsage(jobId)
        .map(stored -> new Figures(states, stored, System.nanoTime() - start, ended)));
  }

  static Duration maxAge(Figures figures) {
    if (figures.ended()) {
      return ENDED_AGE;
    }
    Duration scaled = Duration.ofNanos(figures.costNanos()).multipliedBy(COST_FACTOR);
    return scaled.compareTo(MIN_AGE) < 0 ? MIN_AGE : scaled.compareTo(MAX_AGE) > 0 ? MAX_AGE : scaled;
  }
}
