package dev.fetchbus.api;

import static dev.fetchbus.api.TestHttp.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Cancelling a running job")
class CancelTest {
  private static final int URLS = 50;
  private static final int HOST_CONCURRENCY = 1;
  /** Fetches that may still reach the origin after the cancel: those in flight, plus a dispatch racing the cancel. */
  private static final int SLACK = HOST_CONCURRENCY + 2;
  private static OriginServer origin;
  private static TestNode node;
  private static ApiClient user;

  @BeforeAll
  static void start() {
    origin = OriginServer.start();
    node = TestNode.start();
    user = node.newUser("canceller");
  }

  @AfterAll
  static void stop() {
    node.close();
    origin.close();
  }

  @Test
  @DisplayName(
      "stops fetching, marks the rest cancelled, refuses a second cancel, and keeps only records made before it")
  void cancelRunningJob() {
    List<String> urls = IntStream.range(0, URLS).mapToObj(i -> origin.url("/slow/300?n=" + i)).toList();
    long id = user.submit(urls, "hostConcurrency=" + HOST_CONCURRENCY).getLong("id");
    String path = "/v1/jobs/" + id;

    JsonObject running = awaitDone(path, 3);
    assertThat(running.getString("state")).isEqualTo("running");

    ApiClient.Response cancel = user.delete(path);
    assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
    assertThat(cancel.json().getString("state")).isEqualTo("cancelled");
    assertThat(cancel.json().getString("finishedAt")).isNotNull();
    List<JsonObject> atCancel = user.get(path + "/results").ndjson();
    assertThat(atCancel).hasSizeGreaterThanOrEqualTo(3);

    // Whatever was in flight ends within a fetch time: quiet for a whole one (300 ms) means it has,
    // a dispatch racing the cancel included. From then on nothing new may start.
    await("the requests in flight at the cancel to end").during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20)).until(() -> origin.inFlight() == 0);
    long hitsSettled = origin.hits("/slow/");
    // hits only grow: one new request fails this at once, however long atMost is
    await("no request after the cancel").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> assertThat(origin.hits("/slow/")).as("the origin sees no new request after the cancel")
            .isEqualTo(hitsSettled));
    assertThat(hitsSettled).as("requests beyond the stored records: only those in flight at the cancel")
        .isLessThanOrEqualTo(atCancel.size() + SLACK)
        .isLessThan(URLS);

    JsonObject job = user.get(path).json();
    assertThat(job.getString("state")).as("the job stays cancelled").isEqualTo("cancelled");
    JsonObject counts = job.getJsonObject("urls");
    assertThat(counts.getLong("cancelled")).isPositive();
    assertThat(counts.getLong("queued")).isZero();
    assertThat(counts.getLong("leased")).isZero();
    assertThat(counts.getLong("failed")).isZero();
    assertThat(counts.getLong("done") + counts.getLong("cancelled")).isEqualTo(URLS);

    assertError(user.delete(path), 409, "conflict");
    assertThat(user.get(path).json().getString("state")).isEqualTo("cancelled");

    List<JsonObject> results = user.get(path + "/results").ndjson();
    assertThat(results).as("no record is added after the cancel").hasSameSizeAs(atCancel);
    assertThat(results).hasSize(counts.getLong("done").intValue());
    Set<String> seen = new HashSet<>();
    for (JsonObject record : results) {
      assertThat(seen.add(record.getString("url"))).as("each URL once: %s", record.getString("url")).isTrue();
      assertThat(record.getInteger("status")).isEqualTo(200);
    }
    assertThat(urls).containsAll(seen);
    assertThat(seen).containsExactlyInAnyOrderElementsOf(atCancel.stream().map(r -> r.getString("url")).toList());
  }

  @Test
  @DisplayName("a job that is already done cannot be cancelled (409), and stays done")
  void cancelDoneJob() {
    long id = user.submit(List.of(origin.url("/page/cancel-done")), null).getLong("id");
    user.awaitState(id, "done", Duration.ofSeconds(60));
    assertError(user.delete("/v1/jobs/" + id), 409, "conflict");
    JsonObject job = user.get("/v1/jobs/" + id).json();
    assertThat(job.getString("state")).isEqualTo("done");
    assertThat(job.getJsonObject("urls").getLong("done")).isEqualTo(1);
    assertThat(job.getJsonObject("urls").getLong("cancelled")).isZero();
  }

  /** Polls until at least {@code done} URLs of the job are done; generous, as builds share the machine. */
  private static JsonObject awaitDone(String path, long done) {
    AtomicReference<JsonObject> last = new AtomicReference<>();
    try {
      return await(done + " URLs done").atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> {
            last.set(user.get(path).json());
            return last.get();
          }, job -> job.getJsonObject("urls").getLong("done") >= done);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("fewer than " + done + " URLs done in time; last seen " + last.get(), e);
    }
  }

}
