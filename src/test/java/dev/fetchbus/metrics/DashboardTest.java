package dev.fetchbus.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The live dashboard and the /ops/stats JSON it polls")
class DashboardTest {
  private static OriginServer origin;
  private static TestNode node;

  @BeforeAll
  static void start() {
    origin = OriginServer.start();
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    node.close();
    origin.close();
  }

  @Test
  @DisplayName(
      "/dashboard is one HTML page, without a key, fed by this node's event-bus bridge, loading nothing from elsewhere")
  void dashboardPage() {
    ApiClient.Response r = node.anonymous().get("/dashboard");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/html");
    assertThat(r.header("Content-Security-Policy")).contains("default-src 'none'").contains("connect-src 'self'");
    assertThat(r.body()).contains("<html").contains("new SockJS(\"/ops/eventbus\")").contains("fetchbus.ops.stats")
        .doesNotContainPattern("(src|href)\\s*=\\s*[\"']?(https?:)?//");
    ApiClient.Response client = node.anonymous().get("/ops/webjars/sockjs-client/1.6.1/dist/sockjs.min.js");
    assertThat(client.status()).as("SockJS's client, from its webjar").isEqualTo(200);
  }

  @Test
  @DisplayName("/ops/stats has pages, fetches, caches, event loops, JVM and running jobs, and no URLs or keys")
  void statsFields() {
    ApiClient user = node.newUser("dashboard-watcher");
    long done = user.submit(List.of(origin.url("/page/dash1"), origin.url("/status/404")), null).getLong("id");
    user.awaitState(done, "done", Duration.ofSeconds(60));
    long slow = user.submit(List.of(origin.url("/slow/4000")), null).getLong("id");
    user.awaitState(slow, "running", Duration.ofSeconds(30));

    JsonObject stats = awaitRunningJob(slow);
    user.delete("/v1/jobs/" + slow); // done with it: the node need not stop mid-fetch

    assertThat(stats.getLong("time")).isPositive();
    assertThat(stats.getJsonObject("pages").getLong("total")).isGreaterThanOrEqualTo(2);
    assertThat(stats.getJsonObject("pages").getJsonObject("byOutcome").fieldNames()).contains("ok", "http_status");
    assertThat(stats.getJsonObject("fetch").fieldNames()).contains("inFlight", "waiting", "queued", "retries");
    assertThat(stats.getJsonObject("caches").fieldNames()).contains("robots");
    assertThat(stats.getJsonObject("caches").getJsonObject("robots").fieldNames()).contains("miss");
    JsonArray loops = stats.getJsonArray("eventLoops");
    assertThat(loops).isNotEmpty();
    assertThat(loops.getJsonObject(0).fieldNames()).contains("loop", "ticks", "lagTotalMs", "lagMaxMs", "blocked");
    assertThat(stats.getLong("eventLoopBlockedMs")).isEqualTo(100);
    JsonObject jvm = stats.getJsonObject("jvm");
    assertThat(jvm.getLong("heapUsedBytes")).isPositive();
    assertThat(jvm.fieldNames()).contains("heapMaxBytes", "gcPauses", "gcPauseTotalMs");
    String body = stats.encode();
    assertThat(body).doesNotContain("/page/dash1").doesNotContain(TestNode.ADMIN_KEY)
        .doesNotContain("dashboard-watcher");
  }

  private static JsonObject awaitRunningJob(long id) {
    AtomicReference<JsonObject> last = new AtomicReference<>();
    JsonObject running;
    try {
      running = await("job " + id + " among running jobs").atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> {
            ApiClient.Response r = node.admin().get("/ops/stats");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            last.set(r.json());
            return last.get().getJsonArray("jobs").stream().map(JsonObject.class::cast)
                .filter(job -> job.getLong("id") == id).findFirst();
          }, Optional::isPresent).orElseThrow();
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("job " + id + " never appeared among running jobs; last seen " + last.get(), e);
    }
    assertThat(running.fieldNames()).contains("kind", "accepted", "finished", "progress", "startedAt");
    assertThat(running.getLong("accepted")).isEqualTo(1);
    assertThat(running.getDouble("progress")).isBetween(0.0, 1.0);
    return last.get();
  }

}
