package dev.fetchbus.frontier;

import dev.fetchbus.config.JobOptions;
import dev.fetchbus.extract.Scope;

/**
 * How the frontier runs one job's URLs: its options, and for a crawl its scope, depth limit,
 * whether sitemaps feed it and whether its pages' requisites are fetched. {@code scope} is null for
 * a list job, which discovers nothing. {@code userId} is the job's owner, whose concurrent fetches
 * are bounded ({@code limits.concurrentFetches}).
 */
record JobPlan(JobOptions options, Scope scope, Integer maxDepth, boolean sitemaps, boolean requisites, long userId) {
  /** A list job's plan (or a synchronous fetch's, with user 0: no user's fetch bound applies). */
  static JobPlan list(JobOptions options, long userId) {
    return new JobPlan(options, null, null, false, false, userId);
  }

  boolean isCrawl() {
    return scope != null;
  }

  /** Whether a link found at {@code depth} may be followed. */
  boolean followsTo(int depth) {
    return maxDepth == null || depth <= maxDepth;
  }
}
