package dev.fetchbus.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.vertx.micrometer.backends.BackendRegistries;

/** The node's Micrometer registry: Vert.x's Prometheus backend when metrics are on, else the global one. */
public final class Meters {
  private Meters() {}

  public static MeterRegistry registry() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    return registry != null ? PromtoolClean.apply(registry) : Metrics.globalRegistry;
  }
}
