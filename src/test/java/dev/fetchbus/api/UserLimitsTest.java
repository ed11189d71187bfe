package dev.fetchbus.api;

import static dev.fetchbus.api.TestHttp.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Per-user limits: jobs and URLs under way, 429 at the edge on every node, free again when work ends")
class UserLimitsTest {
  private static OriginServer origin;
  private static TestNode node;
  /** A second API node on the same database: the limits are PostgreSQL's, not one node's. */
  private static TestNode other;

  @BeforeAll
  static void start() {
    origin = OriginServer.start();
    JsonObject limits = new JsonObject().put("limits", new JsonObject().put("activeJobs", 2).put("activeUrls", 100));
    node = TestNode.start(limits);
    other = TestNode.start(limits.copy().put("pg", new JsonObject().put("url", node.databaseUrl()))
        .put("node", new JsonObject().put("roles", "api")));
  }

  @AfterAll
  static void stop() {
    other.close();
    node.close();
    origin.close();
  }

  private static String slowUrl(String tag) {
    return origin.url("/slow/60000?" + tag);
  }

  @Test
  @DisplayName(
      "two jobs under way: a third is refused with 429 too_many_jobs on both nodes; one cancelled, it is accepted")
  void activeJobs() {
    ApiClient user = node.newUser("busy");
    long first = user.submit(List.of(slowUrl("a")), "robots=false").getLong("id");
    user.submit(List.of(slowUrl("b")), "robots=false");
    ApiClient.Response refused = user.post("/v1/jobs?robots=false", "text/plain", slowUrl("c") + "\n");
    assertError(refused, 429, "too_many_jobs");
    assertThat(refused.header("Retry-After")).isEqualTo("5");
    assertThat(refused.json().getString("message")).contains("limits.activeJobs");
    ApiClient elsewhere = ApiClient.of(other.port(), userKey(user));
    assertError(elsewhere.post("/v1/jobs?robots=false", "text/plain", slowUrl("d") + "\n"), 429, "too_many_jobs");

    user.delete("/v1/jobs/" + first);
    assertThat(elsewhere.post("/v1/jobs?robots=false", "text/plain", slowUrl("e") + "\n").status()).isEqualTo(201);
    JsonObject me = user.get("/v1/me").json();
    assertThat(me.getJsonObject("limits").getInteger("activeJobs")).isEqualTo(2);
    assertThat(me.getJsonObject("usage").getLong("activeJobs")).isEqualTo(2);
    cancelAll(user);
  }

  @Test
  @DisplayName("100 URLs under way at most: an upload that would pass it is refused with 429 and its job cancelled")
  void activeUrls() {
    ApiClient user = node.newUser("many");
    long first = user.submit(IntStream.range(0, 80).mapToObj(i -> slowUrl("u" + i)).toList(), "robots=false")
        .getLong("id");
    ApiClient.Response refused = user.post("/v1/jobs?robots=false", "text/plain",
        String.join("\n", IntStream.range(0, 30).mapToObj(i -> slowUrl("v" + i)).toList()) + "\n");
    assertError(refused, 429, "too_many_urls");
    assertThat(refused.json().getString("message")).contains("limits.activeUrls");
    List<JsonObject> jobs = user.get("/v1/jobs").json().getJsonArray("jobs").stream().map(j -> (JsonObject) j).toList();
    assertThat(jobs).as("the refused upload's job is cancelled, not left half-made")
        .filteredOn(j -> j.getLong("id") != first)
        .allSatisfy(j -> assertThat(j.getString("state")).isEqualTo("cancelled"));

    user.delete("/v1/jobs/" + first);
    assertThat(user.post("/v1/jobs?robots=false", "text/plain",
        String.join("\n", IntStream.range(0, 30).mapToObj(i -> slowUrl("w" + i)).toList()) + "\n").status())
        .as("once the first job has ended, its URLs no longer count").isEqualTo(201);
    cancelAll(user);
  }

  @Test
  @DisplayName("an admin sets a user's own limits; null goes back to the default; bad values are 422")
  void overrides() {
    ApiClient user = node.newUser("vip");
    long id = user.get("/v1/me").json().getLong("id");
    JsonObject patched = node.admin().patchJson("/v1/users/" + id,
        new JsonObject().put("limits", new JsonObject().put("activeJobs", 3))).json();
    assertThat(patched.getJsonObject("limits").getInteger("activeJobs")).isEqualTo(3);
    for (String tag : List.of("x", "y", "z")) {
      assertThat(user.post("/v1/jobs?robots=false", "text/plain", slowUrl(tag) + "\n").status()).isEqualTo(201);
    }
    assertError(user.post("/v1/jobs?robots=false", "text/plain", slowUrl("q") + "\n"), 429, "too_many_jobs");
    node.admin().patchJson("/v1/users/" + id, new JsonObject().put("limits", new JsonObject().putNull("activeJobs")));
    assertThat(user.get("/v1/me").json().getJsonObject("limits").getInteger("activeJobs")).isEqualTo(2);
    assertError(node.admin().patchJson("/v1/users/" + id,
        new JsonObject().put("limits", new JsonObject().put("activeJobs", 0))), 422, "invalid");
    assertError(node.admin().patchJson("/v1/users/" + id,
        new JsonObject().put("limits", new JsonObject().put("fetches", 5))), 422, "invalid");
    cancelAll(user);
  }

  @Test
  @DisplayName("/metrics and /ops/stats show a user's work under way against its limits, labelled by user id")
  void usageIsVisible() {
    ApiClient user = node.newUser("watched");
    long id = user.get("/v1/me").json().getLong("id");
    user.submit(List.of(slowUrl("m1"), slowUrl("m2")), "robots=false");
    String series = "fetchbus_user_active_jobs{user=\"" + id + "\"} 1.0";
    await().atMost(Duration.ofSeconds(20)).until(() -> node.admin().get("/metrics").body().contains(series));
    String metrics = node.admin().get("/metrics").body();
    assertThat(metrics).contains("fetchbus_user_active_urls{user=\"" + id + "\"} 2.0")
        .contains("fetchbus_user_limit_active_jobs{user=\"" + id + "\"} 2.0")
        .contains("fetchbus_user_limit_active_urls{user=\"" + id + "\"} 100.0")
        .contains("fetchbus_user_limit_concurrent_fetches{user=\"" + id + "\"} 256.0")
        .contains("fetchbus_user_limit_requests_per_second{user=\"" + id + "\"} 10000.0");
    String leased = "fetchbus_user_leased_urls{user=\"" + id + "\"} 2.0";
    await().atMost(Duration.ofSeconds(20)).until(() -> node.admin().get("/metrics").body().contains(leased));
    JsonObject shown = node.admin().get("/ops/stats").json().getJsonArray("users").stream().map(u -> (JsonObject) u)
        .filter(u -> u.getLong("user") == id).findFirst().orElseThrow();
    assertThat(shown.getLong("activeUrls")).isEqualTo(2);
    assertThat(shown.getLong("activeJobsLimit")).isEqualTo(2);
    assertThat(shown.getLong("leasedUrls")).isEqualTo(2);
    assertThat(shown.getLong("concurrentFetchesLimit")).isEqualTo(256);
    cancelAll(user);
  }

  @Test
  @DisplayName("eight jobs created at the same moment on two nodes: exactly two are accepted, the rest get 429")
  void simultaneousCreations() throws Exception {
    ApiClient user = node.newUser("eager");
    ApiClient elsewhere = ApiClient.of(other.port(), userKey(user));
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> statuses = IntStream.range(0, 8).mapToObj(i -> threads.submit(() -> {
        go.await();
        return (i % 2 == 0 ? user : elsewhere).post("/v1/jobs?robots=false", "text/plain", slowUrl("s" + i) + "\n")
            .status();
      })).toList();
      go.countDown();
      List<Integer> answers = new ArrayList<>();
      for (Future<Integer> status : statuses) {
        answers.add(status.get(60, TimeUnit.SECONDS));
      }
      assertThat(answers).as("statuses").filteredOn(s -> s == 201).hasSize(2);
      assertThat(answers).as("statuses").filteredOn(s -> s == 429).hasSize(6);
    } finally {
      threads.shutdownNow();
      cancelAll(user);
    }
  }

  private static String userKey(ApiClient client) {
    return client.key();
  }

  private static void cancelAll(ApiClient user) {
    user.get("/v1/jobs").json().getJsonArray("jobs").stream().map(j -> (JsonObject) j)
        .filter(j -> List.of("queued", "running").contains(j.getString("state")))
        .forEach(j -> assertThat(user.delete("/v1/jobs/" + j.getLong("id")).status()).isEqualTo(200));
  }
}
