package dev.fetchbus.metrics;

import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Keeps /metrics clean for {@code promtool check metrics}. Micrometer's JVM binders, which Vert.x
 * registers, name three series against Prometheus's conventions: units abbreviated in
 * {@code jvm_compilation_time_ms_total} and {@code process_cpu_time_ns_total}, and a gauge ending in
 * {@code _count}, {@code system_cpu_count}. They are taken out of the registry once the binders have
 * run (a deny filter would do it earlier, but Micrometer warns at every start about a filter added
 * after the first meters), and the same figures come back as {@code jvm_compilation_seconds_total},
 * {@code process_cpu_seconds_total} and {@code system_cpus}.
 */
final class PromtoolClean {
  private static final Set<String> RENAMED = Set.of("jvm.compilation.time", "process.cpu.time", "system.cpu.count");
  private static final Set<MeterRegistry> DONE = Collections.synchronizedSet(
      Collections.newSetFromMap(new IdentityHashMap<>()));

  private PromtoolClean() {}

  static MeterRegistry apply(MeterRegistry registry) {
    if (DONE.add(registry)) {
      registry.getMeters().stream().filter(m -> RENAMED.contains(m.getId().getName())).toList()
          .forEach(registry::remove);
      replacements(registry);
    }
    return registry;
  }

  private static void replacements(MeterRegistry registry) {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
      FunctionCounter.builder("process.cpu", os, bean -> bean.getProcessCpuTime() / 1e9).baseUnit("seconds")
          .description("CPU time used by this JVM").register(registry);
    }
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    if (jit != null && jit.isCompilationTimeMonitoringSupported()) {
      FunctionCounter.builder("jvm.compilation", jit, bean -> bean.getTotalCompilationTime() / 1e3).baseUnit("seconds")
          .description("Time the JIT compilers spent compiling").register(registry);
    }
    Gauge.builder("system.cpus", Runtime.getRuntime(), Runtime::availableProcessors)
        .description("Processors available to this JVM").register(registry);
  }
}
