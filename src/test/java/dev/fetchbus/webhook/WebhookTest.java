package dev.fetchbus.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Job callbacks: signed, retried with backoff, recorded in PostgreSQL, at least once across a restart")
class WebhookTest {
  private static final Vertx receiverVertx = Vertx.vertx();
  private static final List<Received> received = new CopyOnWriteArrayList<>();
  private static final AtomicInteger failuresLeft = new AtomicInteger(2);
  private static HttpServer receiver;
  private static OriginServer origin;
  private static String database;

  record Received(int answered, String signature, String attempt, String body) {}

  @BeforeAll
  static void start() {
    origin = OriginServer.start();
    database = TestDatabase.create();
    receiver = TestNode.await(receiverVertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      int status = failuresLeft.getAndDecrement() > 0 ? 500 : 200;
      received.add(new Received(status, req.getHeader(Signature.HEADER), req.getHeader("X-Fetchbus-Attempt"),
          body.toString()));
      req.response().setStatusCode(status).end();
    })).listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    TestNode.await(receiverVertx.close());
    origin.close();
    TestDatabase.drop(database);
  }

  /** A node on the shared database, so a second life finds the first one's deliveries. */
  private static TestNode node() {
    return TestNode.start(new JsonObject().put("pg", new JsonObject().put("url", database))
        .put("webhook", new JsonObject().put("pollMs", 100).put("retryBaseMs", 300).put("maxAttempts", 3)));
  }

  @Test
  @DisplayName(
      "a receiver that fails twice, with a node restart between: exactly one accepted delivery, signature valid")
  void failsTwiceThenSucceedsAcrossARestart() throws Exception {
    String hook = "http://127.0.0.1:" + receiver.actualPort() + "/hook";
    long job;
    String secret;
    try (TestNode first = node()) {
      JsonObject created = first.admin().submit(List.of(origin.url("/page/hook1"), origin.url("/page/hook2")),
          "callback=" + URLEncoder.encode(hook, StandardCharsets.UTF_8));
      job = created.getLong("id");
      secret = created.getJsonObject("callback").getString("secret");
      assertThat(created.getJsonObject("callback").getString("url")).isEqualTo(hook);
      await().atMost(Duration.ofSeconds(30)).until(() -> !received.isEmpty());
    }
    try (TestNode second = node()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> "delivered".equals(state(job)));
      assertThat(received).extracting(Received::answered).containsExactly(500, 500, 200);
      assertThat(received).extracting(Received::attempt).containsExactly("1", "2", "3");
      for (Received r : received) {
        String[] parts = r.signature().split(",");
        String t = parts[0].substring(2);
        assertThat(parts[1]).as("signature of %s", r.body())
            .isEqualTo("v1=" + Signature.hmac(secret, t + "." + r.body()));
        JsonObject body = new JsonObject(r.body());
        assertThat(body.getString("event")).isEqualTo("job.ended");
        assertThat(body.getJsonObject("job").getLong("id")).isEqualTo(job);
        assertThat(body.getJsonObject("job").getString("state")).isEqualTo("done");
      }
      assertThat(Signature.hmac("another secret", "x")).isNotEqualTo(Signature.hmac(secret, "x"));
    }
  }

  @Test
  @DisplayName("a callback to an address the guard refuses is never contacted: recorded as failed with the reason")
  void guardedCallback() throws Exception {
    try (TestNode node = node()) {
      JsonObject created =
          node.admin().submit(List.of(origin.url("/page/hook-guarded")), "callback=http://10.255.255.1/hook");
      long job = created.getLong("id");
      await().atMost(Duration.ofSeconds(30)).until(() -> "failed".equals(state(job)));
      assertThat(lastError(job)).contains("blocked");
      ApiClient.Response bad =
          node.admin().post("/v1/jobs?callback=ftp://x/", "text/plain", origin.url("/page/x") + "\n");
      assertThat(bad.status()).isEqualTo(422);
      assertThat(bad.json().getString("error")).isEqualTo("invalid");
    }
  }

  private static String state(long job) throws Exception {
    return column(job, "state");
  }

  private static String lastError(long job) throws Exception {
    return column(job, "last_error");
  }

  private static String column(long job, String column) throws Exception {
    try (Connection conn = TestDatabase.connect(database); Statement st = conn.createStatement();
        ResultSet rows = st.executeQuery("select " + column + " from webhooks where job_id = " + job)) {
      return rows.next() ? rows.getString(1) : null;
    }
  }
}
