package dev.fetchbus.metrics;

import dev.fetchbus.node.NodeIdentity;
import dev.fetchbus.node.NodeStatus;
import dev.fetchbus.store.JobTable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /ops/stats}: a JSON snapshot of this node for the dashboard, read from its Micrometer
 * registry (counters as running totals: the page computes rates from deltas) plus the running jobs'
 * progress. Only counts and meter tags, never URLs, users or keys.
 */
final class NodeStats {
  private static final int JOBS_SHOWN = 20;
  private static final long JOBS_REFRESH_MS = 2000;
  /** Ended jobs stay on the dashboard this long, so it shows them reach their end. */
  private static final int ENDED_SHOWN_SECONDS = 60;
  private final Vertx vertx;
  private final JobTable jobs;
  private Future<JsonArray> runningJobs;
  private long jobsReadAt;

  NodeStats(Vertx vertx, JobTable jobs) {
    this.vertx = vertx;
    this.jobs = jobs;
  }

  /** This node's snapshot, named by its node id, as published to every dashboard of the cluster. */
  Future<JsonObject> stats() {
    MeterRegistry registry = Meters.registry();
    return runningJobs().map(running -> new JsonObject()
        .put("node", NodeIdentity.of(vertx))
        .put("ownedPartitions", NodeStatus.ownedPartitions(vertx))
        .put("rendering", NodeStatus.rendering(vertx))
        .put("time", System.currentTimeMillis())
        .put("pages", pages(registry))
        .put("fetch", fetch(registry))
        .put("caches", caches(registry))
        .put("eventLoops", eventLoops(registry))
        .put("eventLoopBlockedMs", LoopProbeVerticle.blockedMs(vertx))
        .put("jvm", jvm(registry))
        .put("jobs", running)
        .put("users", UserUsageMetrics.latest(vertx)));
  }

  /** The running jobs, read at most every two seconds however many dashboards poll. */
  private Future<JsonArray> runningJobs() {
    long now = System.currentTimeMillis();
    if (runningJobs == null || now - jobsReadAt > JOBS_REFRESH_MS) {
      jobsReadAt = now;
      runningJobs = jobs.running(JOBS_SHOWN, ENDED_SHOWN_SECONDS).map(NodeStats::jobsJson)
          .otherwise(err -> new JsonArray());
    }
    return runningJobs;
  }

  private static JsonArray jobsJson(List<JobTable.Progress> running) {
    JsonArray array = new JsonArray();
    for (JobTable.Progress job : running) {
      long finished = job.finished();
      array.add(new JsonObject().put("id", job.id()).put("kind", job.kind()).put("state", job.state())
          .put("accepted", job.accepted()).put("finished", finished)
          .put("progress", job.accepted() == 0 ? 0.0 : (double) finished / job.accepted())
          .put("startedAt", job.startedAt() == null ? null : job.startedAt().toInstant().toString()));
    }
    return array;
  }

  /** Finished fetches by outcome ({@code ok} or a fetch-error taxonomy code) and in all. */
  private static JsonObject pages(MeterRegistry registry) {
    JsonObject byOutcome = new JsonObject();
    double total = 0;
    for (Counter counter : registry.find("fetchbus_pages").counters()) {
      byOutcome.put(counter.getId().getTag("outcome"), (long) counter.count());
      total += counter.count();
    }
    return new JsonObject().put("total", (long) total).put("byOutcome", byOutcome);
  }

  private static JsonObject fetch(MeterRegistry registry) {
    return new JsonObject()
        .put("inFlight", gauge(registry, "fetchbus_fetch_in_flight"))
        .put("inFlightLimit", gauge(registry, "fetchbus_fetch_in_flight_limit"))
        .put("waiting", gauge(registry, "fetchbus_frontier_waiting"))
        .put("queued", gauge(registry, "fetchbus_frontier_queued_urls"))
        .put("retries", (long) registry.find("fetchbus_fetch_retries").counters().stream()
            .mapToDouble(Counter::count).sum());
  }

  /** Lookups per cache and result: hit, miss, coalesced (and revalidated for the fetch cache). */
  private static JsonObject caches(MeterRegistry registry) {
    JsonObject caches = new JsonObject();
    for (Counter counter : registry.find("fetchbus_cache_requests").counters()) {
      String cache = counter.getId().getTag("cache");
      if (!caches.containsKey(cache)) {
        caches.put(cache, new JsonObject());
      }
      caches.getJsonObject(cache).put(counter.getId().getTag("result"), (long) counter.count());
    }
    return caches;
  }

  /** Per event loop: probe ticks, their summed and recent maximum lag, and blocked ticks. */
  private static JsonArray eventLoops(MeterRegistry registry) {
    JsonArray loops = new JsonArray();
    registry.find("fetchbus_eventloop_lag").timers().stream()
        .sorted(Comparator.comparing((Timer t) -> t.getId().getTag("loop").length())
            .thenComparing(t -> t.getId().getTag("loop")))
        .forEach(timer -> {
          String loop = timer.getId().getTag("loop");
          Counter blocked = registry.find("fetchbus_eventloop_blocked").tag("loop", loop).counter();
          loops.add(new JsonObject().put("loop", loop).put("ticks", timer.count())
              .put("lagTotalMs", timer.totalTime(TimeUnit.MILLISECONDS))
              .put("lagMaxMs", timer.max(TimeUnit.MILLISECONDS))
              .put("blocked", blocked == null ? 0 : (long) blocked.count()));
        });
    return loops;
  }

  /** Heap in use and its limit, and GC pauses so far (Vert.x binds Micrometer's JVM meters). */
  private static JsonObject jvm(MeterRegistry registry) {
    double heapUsed = registry.find("jvm.memory.used").tag("area", "heap").gauges().stream()
        .mapToDouble(Gauge::value).sum();
    double heapMax = registry.find("jvm.memory.max").tag("area", "heap").gauges().stream()
        .mapToDouble(Gauge::value).filter(v -> v > 0).sum();
    long pauses = 0;
    double pauseMs = 0;
    for (Timer gc : registry.find("jvm.gc.pause").timers()) {
      pauses += gc.count();
      pauseMs += gc.totalTime(TimeUnit.MILLISECONDS);
    }
    return new JsonObject().put("heapUsedBytes", (long) heapUsed).put("heapMaxBytes", (long) heapMax)
        .put("gcPauses", pauses).put("gcPauseTotalMs", pauseMs)
        .put("cpuSeconds", CpuPerPage.processCpuNanos() / 1e9);
  }

  private static Double gauge(MeterRegistry registry, String name) {
    Gauge gauge = registry.find(name).gauge();
    return gauge == null ? null : gauge.value();
  }
}
