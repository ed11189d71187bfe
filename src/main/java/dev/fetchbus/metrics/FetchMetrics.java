package dev.fetchbus.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * fetchbus's own fetch series: pages by outcome and a fetch-latency histogram. The outcome label
 * takes only taxonomy codes and "ok", so its cardinality is fixed.
 */
public final class FetchMetrics {
  private final MeterRegistry registry;
  private final Map<String, Counter> pagesByOutcome = new ConcurrentHashMap<>();
  private final Timer latency;

  public FetchMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.latency = Timer.builder("fetchbus_fetch_duration")
        .description("Time from the first DNS lookup to the last body byte, redirects included")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(120))
        .register(registry);
  }

  public void record(String outcome, long elapsedMs) {
    pagesByOutcome.computeIfAbsent(outcome, o -> Counter.builder("fetchbus_pages")
        .description("Fetched URLs by outcome: ok or a fetch-error taxonomy code")
        .tag("outcome", o)
        .register(registry)).increment();
    latency.record(elapsedMs, TimeUnit.MILLISECONDS);
  }
}
