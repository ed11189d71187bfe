package dev.fetchbus.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Context;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The per-event-loop lag probe. Micrometer's registry is shared by every node in the JVM and loop
 * threads have the same names in each, so the tests count only growth they caused.
 */
@DisplayName("Event-loop probes: lag per loop and blocked loops")
class EventLoopLagTest {
  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(new JsonObject()
        .put("metrics", new JsonObject().put("loopProbeMs", 20).put("loopBlockedMs", 50)));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  @DisplayName("every event loop of the node gets one probe")
  void oneProbePerLoop() {
    assertThat(node.vertx().sharedData().getLocalMap("fetchbus.loopProbe.loops").size())
        .isEqualTo(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE);
  }

  @Test
  @DisplayName("a loop blocked for 600 ms is counted as blocked and its lag recorded, under its thread name")
  void blockedLoopIsCounted() throws Exception {
    Context context = node.vertx().getOrCreateContext();
    CompletableFuture<String> blockedThread = new CompletableFuture<>();
    JsonObject before = stats();
    context.runOnContext(v -> {
      blockedThread.complete(Thread.currentThread().getName());
      blockFor(Duration.ofMillis(600)); // deliberately blocking the event loop: this is what the probe must see
    });
    String loop = blockedThread.get(30, TimeUnit.SECONDS);
    long blockedBefore = loopStats(before, loop).getLong("blocked", 0L);

    JsonObject after = awaitLoop(loop, l -> l.getLong("blocked") > blockedBefore);

    assertThat(after.getDouble("lagMaxMs")).as("the late tick's lag").isGreaterThanOrEqualTo(300.0);
    String metrics = node.admin().get("/metrics").body();
    assertThat(metrics).contains("fetchbus_eventloop_lag_seconds_count{loop=\"" + loop + "\"")
        .contains("fetchbus_eventloop_blocked_total{loop=\"" + loop + "\"");
  }

  @Test
  @DisplayName("an idle node's loops are probed continuously: ticks grow on every loop")
  void probesTick() {
    JsonObject stats = stats();
    assertThat(stats.getLong("eventLoopBlockedMs")).isEqualTo(50);
    String loop = stats.getJsonArray("eventLoops").getJsonObject(0).getString("loop");
    long ticks = loopStats(stats, loop).getLong("ticks");
    awaitLoop(loop, l -> l.getLong("ticks") > ticks);
  }

  private static JsonObject awaitLoop(String loop, Predicate<JsonObject> condition) {
    AtomicReference<JsonObject> last = new AtomicReference<>();
    try {
      return await("loop " + loop + " to meet the condition").atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> {
            last.set(loopStats(stats(), loop));
            return last.get();
          }, l -> !l.isEmpty() && condition.test(l));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("loop " + loop + " never met the condition; last seen " + last.get(), e);
    }
  }


  /** Holds the calling thread (here an event loop) for {@code time}: the scenario, not a wait for something. */
  private static void blockFor(Duration time) {
    long until = System.nanoTime() + time.toNanos();
    for (long left = time.toNanos(); left > 0; left = until - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  private static JsonObject stats() {
    ApiClient.Response r = node.admin().get("/ops/stats");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private static JsonObject loopStats(JsonObject stats, String loop) {
    return stats.getJsonArray("eventLoops").stream().map(JsonObject.class::cast)
        .filter(l -> loop.equals(l.getString("loop"))).findFirst().orElse(new JsonObject());
  }
}
