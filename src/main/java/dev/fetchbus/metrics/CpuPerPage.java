package dev.fetchbus.metrics;

import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;

/**
 * {@code fetchbus_cpu_seconds_per_page}: the node's CPU time (its JVM process: event loops, CPU pool,
 * GC and JIT alike) per URL fetched, over the last sampling window (10 s). NaN while the node
 * fetches nothing. The JVM's own CPU time is read from the platform's OperatingSystemMXBean.
 */
public final class CpuPerPage {
  public static final long WINDOW_MS = 10_000;
  private final MeterRegistry registry;
  private double value = Double.NaN;
  private long lastCpuNanos = processCpuNanos();
  private double lastPages;

  public CpuPerPage(MeterRegistry registry) {
    this.registry = registry;
    this.lastPages = pages();
    Gauge.builder("fetchbus_cpu_seconds_per_page", this, c -> c.value)
        .description("CPU seconds the node's process spent per fetched URL over the last 10 s (NaN when idle)")
        .register(registry);
  }

  /** Takes a sample: call every {@link #WINDOW_MS}. */
  public void sample() {
    long cpu = processCpuNanos();
    double pages = pages();
    double fetched = pages - lastPages;
    value = fetched > 0 && cpu >= 0 ? (cpu - lastCpuNanos) / 1e9 / fetched : Double.NaN;
    lastCpuNanos = cpu;
    lastPages = pages;
  }

  private double pages() {
    return registry.find("fetchbus_pages").counters().stream().mapToDouble(Counter::count).sum();
  }

  /** The process's CPU time in nanoseconds, or -1 where the platform does not say. */
  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }
}
