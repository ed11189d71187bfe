package dev.fetchbus.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.RecordingOrigin;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A job's counts: shared by polls while it runs, exact once it ends")
class JobFiguresTest {
  private static final int PAGES = 8;
  private static RecordingOrigin origin;
  private static TestNode node;
  private static ApiClient user;

  @BeforeAll
  static void start() {
    origin = new RecordingOrigin().pageDelayMs(250);
    node = TestNode.start();
    user = node.newUser("poller");
  }

  @AfterAll
  static void stop() {
    node.close();
    origin.close();
  }

  @Test
  @DisplayName("concurrent polls of a running job share one count, and the ended job's counts are exact")
  void pollsShareOneCount() throws Exception {
    List<String> urls = IntStream.range(0, PAGES).mapToObj(i -> origin.url("/figures/" + i)).toList();
    long id = user.submit(urls, "hostConcurrency=1").getLong("id");
    user.awaitState(id, "running", Duration.ofSeconds(30));

    double missesBefore = figureLookups("miss");
    ExecutorService pollers = Executors.newFixedThreadPool(12);
    try {
      List<CompletableFuture<ApiClient.Response>> polls = IntStream.range(0, 12)
          .mapToObj(i -> CompletableFuture.supplyAsync(() -> user.get("/v1/jobs/" + id), pollers)).toList();
      for (CompletableFuture<ApiClient.Response> poll : polls) {
        ApiClient.Response response = poll.get();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().getJsonObject("urls").getLong("done")).isBetween(0L, (long) PAGES);
      }
    } finally {
      pollers.shutdownNow();
    }
    // twelve polls within a few milliseconds: at most two counts (none when the last poll of the
    // wait above counted it a moment before), where each poll would count without the cache
    assertThat(figureLookups("miss") - missesBefore).isLessThanOrEqualTo(2.0);

    // the poll that sees the job ended was preceded by polls of it running, 100 ms apart
    JsonObject ended = user.awaitState(id, "done", Duration.ofSeconds(60));
    assertThat(ended.getJsonObject("urls").getLong("done")).isEqualTo(PAGES);
    assertThat(ended.getJsonObject("urls").getLong("queued")).isZero();
    assertThat(ended.getJsonObject("stored").getLong("bodies")).isEqualTo(PAGES);
  }

  @Test
  @DisplayName("a running job's counts are reused for twenty times what they cost, within bounds")
  void maxAge() {
    Map<Long, Duration> byCost = Map.of(
        Duration.ofMillis(1).toNanos(), JobFigures.MIN_AGE,
        Duration.ofMillis(30).toNanos(), Duration.ofMillis(600),
        Duration.ofSeconds(10).toNanos(), JobFigures.MAX_AGE);
    byCost.forEach((cost, age) ->
        assertThat(JobFigures.maxAge(new JobFigures.Figures(Map.of(), new JsonObject(), cost, false))).isEqualTo(age));
    assertThat(JobFigures.maxAge(new JobFigures.Figures(Map.of(), new JsonObject(), 1, true)))
        .isGreaterThan(JobFigures.MAX_AGE);
  }

  /** {@code fetchbus_cache_requests_total} of the job-figures cache, for one result. */
  private static double figureLookups(String result) {
    String prefix = "fetchbus_cache_requests_total{cache=\"job-figures\",result=\"" + result + "\"";
    return node.admin().get("/metrics").body().lines().filter(line -> line.startsWith(prefix))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }
}
