package dev.fetchbus.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("fetchbus_cpu_seconds_per_page: the process's CPU time per fetched URL over the last window")
class CpuPerPageTest {
  @Test
  @DisplayName("is CPU time over pages fetched in the window, and NaN when no page was fetched")
  void cpuOverPages() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Counter ok = Counter.builder("fetchbus_pages").tag("outcome", "ok").register(registry);
    CpuPerPage cpu = new CpuPerPage(registry);
    long before = CpuPerPage.processCpuNanos();
    long spin = 0;
    while (CpuPerPage.processCpuNanos() - before < 50_000_000L) { // burn at least 50 ms of CPU
      spin += Long.numberOfTrailingZeros(spin + 1);
    }
    ok.increment(10);
    cpu.sample();
    double perPage = registry.get("fetchbus_cpu_seconds_per_page").gauge().value();
    assertThat(perPage).isGreaterThanOrEqualTo(0.005).isLessThan(10.0);
    cpu.sample();
    assertThat(registry.get("fetchbus_cpu_seconds_per_page").gauge().value()).isNaN();
    assertThat(spin).isNotNegative();
  }
}
