package dev.fetchbus.frontier;

import dev.fetchbus.config.JobOptions;
import dev.fetchbus.store.ClaimedUrl;

/** A URL this node has leased, with its job's options: the unit the host scheduler hands out. */
record Lease(ClaimedUrl url, JobOptions options) implements HostScheduler.Work {
  @Override
  public String host() {
    return url.host();
  }

  @Override
  public int hostConcurrency() {
    return options.hostConcurrency();
  }

  @Override
  public int hostDelayMs() {
    return options.hostDelayMs();
  }
}
