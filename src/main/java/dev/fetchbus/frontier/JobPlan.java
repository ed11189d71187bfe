package dev.fetchbus.frontier;

import dev.fetchbus.config.JobOptions;
import dev.fetchbus.extract.Scope;

/**
 * How the frontier runs one job's URLs: its options, and for a crawl its scope, depth limit,
 * whether sitemaps feed it and whether its pages' requisites are fetched. {@code scope} is null for
 * a list job, which discovers nothing.
 */
record JobPlan(JobOptions options, Scope scope, Integer maxDepth, boolean sitemaps, boolean requisites) {
  boolean isCrawl() {
    return scope != null;
  }

  /** Whether a link found at {@code depth} may be followed. */
  boolean followsTo(int depth) {
    return maxDepth == null || depth <= maxDepth;
  }
}
