package dev.fetchbus.frontier;

import dev.fetchbus.fetch.FetchError;
import dev.fetchbus.fetch.FetchFailure;
import dev.fetchbus.fetch.FetchOutcome;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter for retryable outcomes, up to {@code fetch.maxAttempts}
 * attempts in all. A server's Retry-After, when longer, wins.
 */
final class RetryPolicy {
  private static final long MAX_DELAY_MS = 3_600_000;
  private final int maxAttempts;
  private final long baseMs;

  RetryPolicy(int maxAttempts, long baseMs) {
    this.maxAttempts = maxAttempts;
    this.baseMs = baseMs;
  }

  /**
   * Whether a URL claimed for attempt {@code attempt} has had all its attempts already: the earlier
   * ones were claims whose nodes never reported back (a retry puts a URL back and a stopping node
   * gives its unstarted claims back, neither leaves a claim counted without a fetch).
   */
  boolean exhausted(int attempt) {
    return attempt > maxAttempts;
  }

  /** The outcome recorded for an exhausted URL instead of fetching it again. */
  FetchOutcome poisoned(String url, int attempt) {
    return FetchOutcome.failure(url, new FetchFailure(FetchError.POISON, "claimed " + attempt + " times, and no "
        + "attempt finished: the nodes that held it died or stalled with it in flight (fetch.maxAttempts "
        + maxAttempts + ")"), System.currentTimeMillis());
  }

  boolean shouldRetry(FetchOutcome outcome, int attemptsSoFar) {
    return outcome.retryable() && attemptsSoFar < maxAttempts;
  }

  long delayMs(int attemptsSoFar, long retryAfterMs) {
    long exponential = baseMs << Math.min(20, Math.max(0, attemptsSoFar - 1));
    long jittered = (long) (exponential * (0.5 + ThreadLocalRandom.current().nextDouble()));
    return Math.min(MAX_DELAY_MS, Math.max(jittered, retryAfterMs));
  }
}
