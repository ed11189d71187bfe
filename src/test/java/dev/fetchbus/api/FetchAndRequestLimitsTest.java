package dev.fetchbus.api;

import static dev.fetchbus.api.TestHttp.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.MultiHostOrigin;
import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Per-user limits: concurrent fetches and API requests per second")
class FetchAndRequestLimitsTest {
  private static final int HOSTS = 20;
  private static MultiHostOrigin origin;
  private static TestNode node;
  /** A second API node on the same database: the request count is PostgreSQL's, not one node's. */
  private static TestNode other;

  @BeforeAll
  static void start() {
    origin = new MultiHostOrigin(HOSTS, 100);
    JsonObject config = new JsonObject().put("fetch", new JsonObject().put("allowNetworks", "127.0.0.0/8"));
    node = TestNode.start(config);
    other = TestNode.start(config.copy().put("pg", new JsonObject().put("url", node.databaseUrl()))
        .put("node", new JsonObject().put("roles", "api")));
  }

  @AfterAll
  static void stop() {
    other.close();
    node.close();
    origin.close();
  }

  private static long patchLimits(ApiClient user, JsonObject limits) {
    long id = user.get("/v1/me").json().getLong("id");
    ApiClient.Response patched = node.admin().patchJson("/v1/users/" + id, new JsonObject().put("limits", limits));
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    return id;
  }

  @Test
  @DisplayName(
      "a user allowed 3 concurrent fetches never has more than 3 running, "
          + "over 20 hosts, while another user's job runs beside it")
  void concurrentFetches() {
    ApiClient limited = node.newUser("three-at-once");
    ApiClient free = node.newUser("free-runner");
    patchLimits(limited, new JsonObject().put("concurrentFetches", 3));
    assertThat(limited.get("/v1/me").json().getJsonObject("limits").getInteger("concurrentFetches")).isEqualTo(3);

    long job = limited.submit(IntStream.range(0, 60).mapToObj(origin::url).toList(), "store=none").getLong("id");
    await().atMost(Duration.ofSeconds(30)).until(() -> origin.maxConcurrent() >= 3);
    long other = free.submit(IntStream.range(1000, 1040).mapToObj(origin::url).toList(), "store=none").getLong("id");
    JsonObject otherDone = free.awaitState(other, "done", Duration.ofMinutes(1));
    JsonObject done = limited.awaitState(job, "done", Duration.ofMinutes(1));

    assertThat(done.getJsonObject("urls").getLong("done")).isEqualTo(60);
    assertThat(otherDone.getJsonObject("urls").getLong("done")).isEqualTo(40);
    assertThat(Instant.parse(otherDone.getString("finishedAt")))
        .as("the other user's job was not held behind the limited one")
        .isBefore(Instant.parse(done.getString("finishedAt")));
    // the free user's 40 URLs ran beside it, so the origin saw more than 3 at once only thanks to them
    assertThat(origin.maxConcurrent()).isGreaterThan(3);
  }

  @Test
  @DisplayName("a user allowed 3 concurrent fetches, alone, never reaches the origin with a fourth")
  void concurrentFetchesAlone() {
    try (MultiHostOrigin own = new MultiHostOrigin(HOSTS, 50)) {
      ApiClient limited = node.newUser("alone-three");
      patchLimits(limited, new JsonObject().put("concurrentFetches", 3));
      long job = limited.submit(IntStream.range(0, 60).mapToObj(own::url).toList(), "store=none").getLong("id");
      limited.awaitState(job, "done", Duration.ofMinutes(1));
      assertThat(own.maxConcurrent()).isEqualTo(3);
    }
  }

  @Test
  @DisplayName("two fetch nodes on one database split a user's limit of 4: 2 each, 4 at once in all, never 5")
  void concurrentFetchesAcrossNodes() throws Exception {
    try (MultiHostOrigin own = new MultiHostOrigin(HOSTS, 100)) {
      int ownedAlone = node.anonymous().get("/ready").json().getInteger("ownedPartitions");
      TestNode second = TestNode.start(new JsonObject().put("pg", new JsonObject().put("url", node.databaseUrl()))
          .put("node", new JsonObject().put("roles", "fetch")));
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> liveFetchNodes() == 2);
        // the first node has seen the second and given it partitions: its share is computed from 2 nodes now
        await().atMost(Duration.ofSeconds(30))
            .until(() -> node.anonymous().get("/ready").json().getInteger("ownedPartitions") < ownedAlone);
        ApiClient limited = node.newUser("four-in-two");
        patchLimits(limited, new JsonObject().put("concurrentFetches", 4));
        long job = limited.submit(IntStream.range(0, 80).mapToObj(own::url).toList(), "store=none").getLong("id");
        assertThat(limited.awaitState(job, "done", Duration.ofMinutes(1)).getJsonObject("urls").getLong("done"))
            .isEqualTo(80);
        assertThat(own.maxConcurrent()).as("fetches at once over both nodes").isEqualTo(4);
      } finally {
        second.close();
      }
    }
  }

  private static long liveFetchNodes() throws Exception {
    try (Connection conn = TestDatabase.connect(node.databaseUrl());
        Statement st = conn.createStatement();
        ResultSet rows =
            st.executeQuery("select count(*) from fetch_nodes where last_seen > now() - interval '5 seconds'")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  @Test
  @DisplayName(
      "over 5 requests in a second, on either node: 429 too_many_requests with Retry-After; a second later, 200 again")
  void requestsPerSecond() {
    ApiClient user = node.newUser("hasty");
    patchLimits(user, new JsonObject().put("requestsPerSecond", 5));
    ApiClient elsewhere = ApiClient.of(other.port(), user.key());
    List<ApiClient.Response> answers = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      answers.add((i % 2 == 0 ? user : elsewhere).get("/v1/me"));
    }
    List<ApiClient.Response> refused = answers.stream().filter(r -> r.status() == 429).toList();
    assertThat(refused).as("refused of 40 requests, sent as fast as they return").isNotEmpty();
    assertThat(answers).allSatisfy(r -> assertThat(r.status()).isIn(200, 429));
    assertError(refused.get(0), 429, "too_many_requests");
    assertThat(refused.get(0).header("Retry-After")).isEqualTo("1");
    assertThat(refused.get(0).json().getString("message")).contains("limits.requestsPerSecond");

    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(300))
        .until(() -> elsewhere.get("/v1/me").status() == 200);
    assertThat(node.admin().get("/v1/users").status()).as("admins are not rate-limited").isEqualTo(200);
  }

  @Test
  @DisplayName("limits are patched one at a time: null goes back to the default, unknown names are refused")
  void patchOneAtATime() {
    ApiClient user = node.newUser("patchy");
    patchLimits(user, new JsonObject().put("requestsPerSecond", 7));
    patchLimits(user, new JsonObject().put("concurrentFetches", 9));
    JsonObject limits = user.get("/v1/me").json().getJsonObject("limits");
    assertThat(limits.getInteger("requestsPerSecond")).isEqualTo(7);
    assertThat(limits.getInteger("concurrentFetches")).isEqualTo(9);
    patchLimits(user, new JsonObject().putNull("requestsPerSecond"));
    assertThat(user.get("/v1/me").json().getJsonObject("limits").getInteger("requestsPerSecond")).isEqualTo(10_000);
    long id = user.get("/v1/me").json().getLong("id");
    assertError(node.admin().patchJson("/v1/users/" + id,
        new JsonObject().put("limits", new JsonObject().put("fetchesPerDay", 5))), 422, "invalid");
  }
}
