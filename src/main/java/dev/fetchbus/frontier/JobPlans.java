package dev.fetchbus.frontier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.fetchbus.config.JobOptions;
import dev.fetchbus.config.Settings;
import dev.fetchbus.cpu.CpuPool;
import dev.fetchbus.extract.Scope;
import dev.fetchbus.store.ClaimedUrl;
import dev.fetchbus.store.JobTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The plans of the jobs this node is working on, loaded when a job's URL is first claimed here (which
 * also marks the job running) and kept in a bounded cache. Scopes are compiled on a worker thread:
 * they hold user-supplied patterns.
 */
final class JobPlans {
  private final Vertx vertx;
  private final CpuPool cpu;
  private final JobTable jobs;
  private final Settings settings;
  private final UserShares shares;
  private final Cache<Long, JobPlan> plans = Caffeine.newBuilder().maximumSize(10_000).build();

  JobPlans(Vertx vertx, JobTable jobs, Settings settings, UserShares shares) {
    this.vertx = vertx;
    this.shares = shares;
    this.cpu = CpuPool.of(vertx, settings.cpuThreads(), settings.tuning().cpuOnEventLoop());
    this.jobs = jobs;
    this.settings = settings;
  }

  /** Pairs each claimed URL with its job's plan. */
  Future<List<Lease>> leases(List<ClaimedUrl> claimed) {
    List<Long> unseen = claimed.stream().map(ClaimedUrl::jobId).distinct()
        .filter(id -> plans.getIfPresent(id) == null).toList();
    Future<Void> loaded = unseen.isEmpty() ? Future.succeededFuture() : jobs.markRunning(unseen)
        .compose(v -> Future.all(unseen.stream().map(this::load).toList()))
        .mapEmpty();
    return loaded.map(v -> claimed.stream().map(url -> new Lease(url, plan(url.jobId()))).toList());
  }

  void forget(long jobId) {
    plans.invalidate(jobId);
  }

  private JobPlan plan(long jobId) {
    return plans.get(jobId, id -> JobPlan.list(JobOptions.defaults(settings), 0));
  }

  private Future<JobPlan> load(long jobId) {
    return jobs.plan(jobId)
        .onSuccess(stored -> shares.learn(stored.userId(), stored.limits().over(settings.limits()).concurrentFetches()))
        .compose(stored -> cpu.run(() -> compile(stored)))
        .onSuccess(plan -> plans.put(jobId, plan));
  }

  private JobPlan compile(JobTable.StoredPlan stored) {
    JobOptions options = JobOptions.stored(stored.options(), settings);
    JsonObject crawl = stored.crawl();
    if (crawl == null) {
      return JobPlan.list(options, stored.userId());
    }
    List<String> seeds = crawl.getJsonArray("seeds").stream().map(String.class::cast).toList();
    Scope scope = Scope.parse(crawl.getJsonObject("scope"), seeds);
    JsonObject limits = crawl.getJsonObject("limits", new JsonObject());
    return new JobPlan(options, scope, limits.getInteger("maxDepth"), crawl.getBoolean("sitemaps", false),
        crawl.getBoolean("requisites", false), stored.userId());
  }
}
