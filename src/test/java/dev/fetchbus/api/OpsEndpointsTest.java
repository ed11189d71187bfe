package dev.fetchbus.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Health, readiness and Prometheus metrics. Micrometer's registry is shared by every node in the
 * JVM, so these tests assert that series exist, and count only growth they caused themselves.
 */
@DisplayName("Operations endpoints: health, readiness and metrics")
class OpsEndpointsTest {
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
  @DisplayName("/health answers 200 without a key")
  void health() {
    ApiClient.Response r = node.anonymous().get("/health");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertThat(r.json().getString("status")).isEqualTo("up");
  }

  @Test
  @DisplayName("/ready answers 200 without a key once the database is reachable and every verticle is deployed")
  void ready() {
    ApiClient.Response r = node.anonymous().get("/ready");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    JsonObject body = r.json();
    assertThat(body.getString("status")).isEqualTo("ready");
    assertThat(body.getBoolean("database")).isTrue();
    assertThat(body.getBoolean("deployed")).isTrue();
  }

  @Test
  @DisplayName("/metrics is Prometheus text, with fetchbus, Vert.x and JVM series after a small job")
  void metricsAfterAJob() {
    String before = scrape();
    double okBefore = sample(before, "fetchbus_pages_total", "outcome=\"ok\"");
    double timedBefore = sample(before, "fetchbus_fetch_duration_seconds_count", "");

    ApiClient user = node.newUser("observer");
    List<String> urls = IntStream.range(0, 3).mapToObj(i -> origin.url("/page/metrics" + i)).toList();
    long id = user.submit(urls, null).getLong("id");
    user.awaitState(id, "done", Duration.ofSeconds(60));

    ApiClient.Response r = node.admin().get("/metrics");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/plain");
    String text = r.body();
    assertThat(text).contains("# TYPE fetchbus_pages_total counter")
        .contains("fetchbus_pages_total{")
        .contains("fetchbus_fetch_duration_seconds_bucket")
        .contains("fetchbus_fetch_in_flight")
        .contains("fetchbus_frontier_queued_urls")
        .contains("vertx_http_client_")
        .containsPattern("(?m)^vertx_(pool_|sql)")
        .contains("vertx_eventbus_")
        .contains("jvm_memory");
    assertThat(sample(text, "fetchbus_pages_total", "outcome=\"ok\"") - okBefore)
        .as("this job's three pages are counted as ok").isGreaterThanOrEqualTo(3);
    assertThat(sample(text, "fetchbus_fetch_duration_seconds_count", "") - timedBefore)
        .as("and timed").isGreaterThanOrEqualTo(3);
    assertThat(text).as("the outcome label carries codes, not URLs").doesNotContain("/page/metrics");
  }

  private static String scrape() {
    ApiClient.Response r = node.admin().get("/metrics");
    assertThat(r.status()).isEqualTo(200);
    return r.body();
  }

  /** The value of the first sample of {@code name} whose labels contain {@code label}; 0 when there is none. */
  private static double sample(String text, String name, String label) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})?\\s+(\\S+)").matcher(text);
    while (m.find()) {
      String labels = m.group(1) == null ? "" : m.group(1);
      if (labels.contains(label)) {
        return Double.parseDouble(m.group(2));
      }
    }
    return 0;
  }
}
