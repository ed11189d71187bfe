package dev.fetchbus.cli;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * A job's own fetch and politeness options (the API's {@code options}). Only those given are sent;
 * the others are the node's settings (FETCHBUS_HOST_MAX_CONCURRENCY...), within the node's bounds.
 */
final class JobOptionsGroup {
  @Option(names = "--host-concurrency", paramLabel = "N",
      description = "Requests at once to one site (default: the node's host.maxConcurrency, 4).")
  Integer hostConcurrency;

  @Option(names = "--host-delay", paramLabel = "MS",
      description = "Milliseconds between request starts to one site (default: the node's host.delayMs, 0).")
  Integer hostDelayMs;

  @Option(names = "--timeout", paramLabel = "MS",
      description = "Timeout of one fetch, in milliseconds (default: the node's fetch.timeoutMs, 30000).")
  Integer timeoutMs;

  @Option(names = "--max-body", paramLabel = "BYTES",
      description = "Bytes kept of one body; more is cut and marked truncated (default: fetch.maxBodyBytes, 2 MiB).")
  Integer maxBodyBytes;

  @Option(names = "--no-robots", description = "Do not obey robots.txt (it is obeyed by default).")
  boolean noRobots;

  @Option(names = "--no-bodies", description = "Keep records only, not the pages' bodies (no --warc then).")
  boolean noBodies;

  @Option(names = "--priority", paramLabel = "N",
      description = "The job's share against its owner's other jobs (default: 1).")
  Integer priority;

  /** The options given, as the API's query parameters (text/plain uploads). */
  Map<String, String> asQuery() {
    Map<String, String> query = new LinkedHashMap<>();
    asJson().forEach(e -> query.put(e.getKey(), String.valueOf(e.getValue())));
    return query;
  }

  /** The options given, as the API's {@code options} object (JSON jobs). */
  JsonObject asJson() {
    JsonObject options = new JsonObject();
    putIfSet(options, "hostConcurrency", hostConcurrency);
    putIfSet(options, "hostDelayMs", hostDelayMs);
    putIfSet(options, "timeoutMs", timeoutMs);
    putIfSet(options, "maxBodyBytes", maxBodyBytes);
    putIfSet(options, "priority", priority);
    if (noRobots) {
      options.put("robots", false);
    }
    if (noBodies) {
      options.put("store", "none");
    }
    return options;
  }

  private static void putIfSet(JsonObject options, String key, Integer value) {
    if (value != null) {
      options.put(key, value);
    }
  }
}
