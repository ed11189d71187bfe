package dev.fetchbus.frontier;

import dev.fetchbus.config.JobOptions;
import dev.fetchbus.extract.UrlNormalizer;
import dev.fetchbus.fetch.FetchOutcome;
import dev.fetchbus.store.ClaimedUrl;
import io.vertx.core.Promise;

/**
 * A URL this node has leased, with its job's plan: the unit the host scheduler hands out. Its
 * politeness key is its origin (scheme, host, port), the unit robots.txt speaks for.
 */
record Lease(ClaimedUrl url, JobPlan plan, String origin, Promise<FetchOutcome> answer) implements HostScheduler.Work {
  Lease(ClaimedUrl url, JobPlan plan) {
    this(url, plan, UrlNormalizer.origin(url.url()), null);
  }

  /** A synchronous fetch (GET /v1/fetch): scheduled like any URL, answered instead of stored. */
  static Lease synchronous(ClaimedUrl url, JobPlan plan, Promise<FetchOutcome> answer) {
    return new Lease(url, plan, UrlNormalizer.origin(url.url()), answer);
  }

  boolean isSynchronous() {
    return answer != null;
  }

  JobOptions options() {
    return plan.options();
  }

  @Override
  public String host() {
    return origin;
  }

  @Override
  public int hostConcurrency() {
    return plan.options().hostConcurrency();
  }

  @Override
  public long user() {
    return plan.userId();
  }

  @Override
  public int hostDelayMs() {
    return plan.options().hostDelayMs();
  }
}
