package dev.fetchbus.metrics;

import dev.fetchbus.config.Settings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance per event loop: a timer re-armed every {@code metrics.loopProbeMs} that records how
 * late it fired as {@code fetchbus_eventloop_lag_seconds{loop}}. A late timer means the loop was
 * busy: a long handler, or a queue of short ones. A lag over {@code metrics.loopBlockedMs} (0:
 * Vert.x's max event loop execute time) counts once in {@code fetchbus_eventloop_blocked_total{loop}}.
 *
 * <p>The timer is re-armed after each firing rather than periodic, so one long stall is one late
 * tick (counted once), not a burst of catch-up ticks. Vert.x's own blocked-thread checker reports
 * only through {@code io.vertx.core.internal} in 5.0, so it is not read here; it still logs.
 */
public final class LoopProbeVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(LoopProbeVerticle.class);
  static final String STATE = "fetchbus.loopProbe";
  private static final String LOOPS = "fetchbus.loopProbe.loops";
  private String loop;
  private long timerId = -1;
  private long probeMs;
  private long blockedNanos;
  private Timer lag;
  private Counter blocked;

  /**
   * Deploys one probe per event loop of {@code options}, once per Vert.x instance. Call it while
   * nothing else deploys: instances take event loops round-robin, so a concurrent deployment could
   * leave a loop unprobed (the log then says how many are covered).
   */
  public static Future<?> deploy(Vertx vertx, VertxOptions options, Settings settings) {
    LocalMap<String, Object> state = vertx.sharedData().getLocalMap(STATE);
    if (state.putIfAbsent("probeMs", settings.metrics().loopProbeMs()) != null) {
      return Future.succeededFuture();
    }
    long blockedMs = settings.metrics().loopBlockedMs() > 0 ? settings.metrics().loopBlockedMs()
        : options.getMaxEventLoopExecuteTimeUnit().toMillis(options.getMaxEventLoopExecuteTime());
    state.put("blockedMs", blockedMs);
    int loops = options.getEventLoopPoolSize();
    JsonObject config = new JsonObject().put("probeMs", settings.metrics().loopProbeMs()).put("blockedMs", blockedMs);
    return vertx.deployVerticle(LoopProbeVerticle.class, new DeploymentOptions().setInstances(loops).setConfig(config))
        .onSuccess(id -> logCoverage(vertx, loops, blockedMs))
        .onFailure(err -> state.clear());
  }

  /** The lag counted as a blocked loop on this node, or null before the probes are deployed. */
  static Long blockedMs(Vertx vertx) {
    return (Long) vertx.sharedData().<String, Object>getLocalMap(STATE).get("blockedMs");
  }

  @Override
  public Future<?> start() {
    loop = Thread.currentThread().getName();
    // Round-robin may hand two instances the same loop; one probe per loop is enough
    if (loops(vertx).putIfAbsent(loop, deploymentID()) != null) {
      loop = null;
      return Future.succeededFuture();
    }
    probeMs = config().getLong("probeMs");
    blockedNanos = TimeUnit.MILLISECONDS.toNanos(config().getLong("blockedMs"));
    MeterRegistry registry = Meters.registry();
    lag = Timer.builder("fetchbus_eventloop_lag").tag("loop", loop)
        .description("How late a timer fired on this event loop: time the loop spent on other work")
        .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(1))
        .register(registry);
    blocked = Counter.builder("fetchbus_eventloop_blocked").tag("loop", loop)
        .description("Times this event loop's probe fired later than metrics.loopBlockedMs").register(registry);
    arm();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    if (loop != null) {
      vertx.cancelTimer(timerId);
      loops(vertx).remove(loop, deploymentID());
      if (loops(vertx).isEmpty()) {
        // undeployed with its parent: let a later deploy() place the probes again
        vertx.sharedData().getLocalMap(STATE).clear();
      }
    }
    return Future.succeededFuture();
  }

  private void arm() {
    long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(probeMs);
    timerId = vertx.setTimer(probeMs, id -> fired(due));
  }

  private void fired(long due) {
    long late = Math.max(0, System.nanoTime() - due);
    lag.record(late, TimeUnit.NANOSECONDS);
    if (late > blockedNanos) {
      blocked.increment();
    }
    arm();
  }

  private static LocalMap<String, String> loops(Vertx vertx) {
    return vertx.sharedData().getLocalMap(LOOPS);
  }

  private static void logCoverage(Vertx vertx, int loops, long blockedMs) {
    int covered = loops(vertx).size();
    if (covered < loops) {
      log.warn("Event-loop probes cover {} of {} event loops (another deployment ran at the same time)", covered,
          loops);
    } else {
      log.info("Probing {} event loops; a lag over {} ms counts as blocked", covered, blockedMs);
    }
  }
}
