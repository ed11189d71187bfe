package dev.fetchbus.frontier;

import dev.fetchbus.config.JobOptions;
import dev.fetchbus.store.ClaimedUrl;

/** A URL this node has leased, with its job's plan: the unit the host scheduler hands out. */
record Lease(ClaimedUrl url, JobPlan plan) implements HostScheduler.Work {
  JobOptions options() {
    return plan.options();
  }

  @Override
  public String host() {
    return url.host();
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
