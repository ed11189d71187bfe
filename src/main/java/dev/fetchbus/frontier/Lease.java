package dev.fetchbus.frontier;

import dev.fetchbus.config.JobOptions;
import dev.fetchbus.extract.UrlNormalizer;
import dev.fetchbus.store.ClaimedUrl;

/**
 * A URL this node has leased, with its job's plan: the unit the host scheduler hands out. Its
 * politeness key is its origin (scheme, host, port), the unit robots.txt speaks for.
 */
record Lease(ClaimedUrl url, JobPlan plan, String origin) implements HostScheduler.Work {
  Lease(ClaimedUrl url, JobPlan plan) {
    this(url, plan, UrlNormalizer.origin(url.url()));
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
  public int hostDelayMs() {
    return plan.options().hostDelayMs();
  }
}
