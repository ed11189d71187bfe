package dev.fetchbus.metrics;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a JFR file into the JSON an operator needs first: execution samples, the hottest methods
 * by top frame (self time) and by any frame on the stack (inclusive time), the busiest threads,
 * GC pauses and average CPU load. Blocking: call it on a worker thread.
 */
public final class ProfileSummary {
  private static final int TOP = 30;
  private static final int TOP_THREADS = 10;
  private final Map<String, Integer> self = new HashMap<>();
  private final Map<String, Integer> inclusive = new HashMap<>();
  private final Map<String, Integer> threads = new HashMap<>();
  private int samples;
  private int collections;
  private double pauseMs;
  private double longestPauseMs;
  private int cpuReadings;
  private double jvmUser;
  private double jvmSystem;
  private double machineTotal;

  private ProfileSummary() {}

  public static JsonObject read(Path file, int seconds) throws IOException {
    ProfileSummary summary = new ProfileSummary();
    try (RecordingFile recording = new RecordingFile(file)) {
      while (recording.hasMoreEvents()) {
        summary.add(recording.readEvent());
      }
    }
    return summary.toJson(seconds);
  }

  private void add(RecordedEvent event) {
    switch (event.getEventType().getName()) {
      case "jdk.ExecutionSample" -> sample(event.getStackTrace(), event.getThread("sampledThread"));
      case "jdk.GarbageCollection" -> {
        collections++;
        pauseMs += event.getDuration("sumOfPauses").toNanos() / 1e6;
        longestPauseMs = Math.max(longestPauseMs, event.getDuration("longestPause").toNanos() / 1e6);
      }
      case "jdk.CPULoad" -> {
        cpuReadings++;
        jvmUser += event.getFloat("jvmUser");
        jvmSystem += event.getFloat("jvmSystem");
        machineTotal += event.getFloat("machineTotal");
      }
      default -> { }
    }
  }

  private void sample(RecordedStackTrace stack, RecordedThread thread) {
    if (stack == null) {
      return;
    }
    samples++;
    threads.merge(thread == null ? "unknown" : String.valueOf(thread.getJavaName()), 1, Integer::sum);
    List<RecordedFrame> frames = stack.getFrames();
    if (!frames.isEmpty()) {
      self.merge(method(frames.get(0)), 1, Integer::sum);
    }
    // A recursive method counts once per sample, or inclusive shares could pass 100 %
    Set<String> onStack = new HashSet<>();
    for (RecordedFrame frame : frames) {
      if (onStack.add(method(frame))) {
        inclusive.merge(method(frame), 1, Integer::sum);
      }
    }
  }

  private static String method(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }

  private JsonObject toJson(int seconds) {
    return new JsonObject()
        .put("seconds", seconds)
        .put("executionSamples", samples)
        .put("topFrames", top(self, TOP, "method"))
        .put("inclusiveFrames", top(inclusive, TOP, "method"))
        .put("threads", top(threads, TOP_THREADS, "thread"))
        .put("gc", new JsonObject().put("collections", collections).put("pauseTotalMs", round(pauseMs))
            .put("longestPauseMs", round(longestPauseMs)))
        .put("cpu", cpuReadings == 0 ? null : new JsonObject().put("readings", cpuReadings)
            .put("jvmUser", round(jvmUser / cpuReadings)).put("jvmSystem", round(jvmSystem / cpuReadings))
            .put("machineTotal", round(machineTotal / cpuReadings)));
  }

  private JsonArray top(Map<String, Integer> counts, int limit, String key) {
    JsonArray top = new JsonArray();
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(limit)
        .forEach(e -> top.add(new JsonObject().put(key, e.getKey()).put("samples", e.getValue())
            .put("share", samples == 0 ? 0.0 : round((double) e.getValue() / samples))));
    return top;
  }

  private static double round(double value) {
    return Math.round(value * 10_000) / 10_000.0;
  }
}
