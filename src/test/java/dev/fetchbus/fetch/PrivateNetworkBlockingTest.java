package dev.fetchbus.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Fetching from non-public networks")
class PrivateNetworkBlockingTest {

  @Test
  @DisplayName(
      "is blocked by default: loopback URLs, by address or by name, are recorded as blocked and never requested")
  void blockedByDefault() {
    try (OriginServer origin = OriginServer.start();
        TestNode node = TestNode.start(new JsonObject().put("fetch", new JsonObject().put("allowNetworks", "")))) {
      ApiClient user = node.newUser("guarded");
      int port = origin.port();
      List<String> urls = List.of(
          origin.url("/page/direct"),
          "http://localhost:" + port + "/page/by-name",
          "http://0.0.0.0:" + port + "/page/any-address",
          "http://[::ffff:127.0.0.1]:" + port + "/page/mapped");
      JsonObject created = user.submit(urls, null);
      assertThat(created.getLong("accepted")).isEqualTo(urls.size());
      long id = created.getLong("id");
      user.awaitState(id, "done", Duration.ofSeconds(60));

      List<JsonObject> records = user.get("/v1/jobs/" + id + "/results").ndjson();
      assertThat(records).hasSize(urls.size());
      for (JsonObject record : records) {
        assertThat(record.getJsonObject("error")).as("record %s", record).isNotNull();
        assertThat(record.getJsonObject("error").getString("code")).as("record %s", record).isEqualTo("blocked");
        assertThat(record.getInteger("status")).isNull();
        // blocked is final: no retries
        assertThat(record.getInteger("attempts")).isEqualTo(1);
      }
      assertThat(origin.totalHits()).isZero();
    }
  }

  @Test
  @DisplayName("judges every redirect hop: a redirect from an allowed address to a blocked one is blocked")
  void redirectToBlockedAddress() {
    // Only 127.0.0.1 is allowed. The redirect points at 127.0.0.2 (loopback too, but outside the
    // allowed /32), where a server listens that must never see a request.
    Vertx vertx = Vertx.vertx();
    AtomicInteger forbiddenHits = new AtomicInteger();
    try (OriginServer origin = OriginServer.start();
        TestNode node =
            TestNode.start(new JsonObject().put("fetch", new JsonObject().put("allowNetworks", "127.0.0.1/32")))) {
      HttpServer forbidden = TestNode.await(vertx.createHttpServer()
          .requestHandler(req -> {
            forbiddenHits.incrementAndGet();
            req.response().putHeader("Content-Type", "text/html").end("<title>leaked</title>");
          })
          .listen(0, "127.0.0.2"));
      String target = "http://127.0.0.2:" + forbidden.actualPort() + "/secret";
      HttpServer redirector = TestNode.await(vertx.createHttpServer()
          .requestHandler(req -> req.response().setStatusCode(302).putHeader("Location", target).end())
          .listen(0, "127.0.0.1"));
      String start = "http://127.0.0.1:" + redirector.actualPort() + "/go";
      String allowed = origin.url("/page/allowed");

      ApiClient user = node.newUser("redirects");
      long id = user.submit(List.of(start, allowed), null).getLong("id");
      user.awaitState(id, "done", Duration.ofSeconds(60));
      Map<String, JsonObject> records = user.get("/v1/jobs/" + id + "/results").ndjson().stream()
          .collect(Collectors.toMap(r -> r.getString("url"), Function.identity()));

      assertThat(records.get(allowed).getJsonObject("error")).as("the allowed origin is fetched").isNull();
      assertThat(records.get(allowed).getInteger("status")).isEqualTo(200);
      JsonObject redirected = records.get(start);
      assertThat(redirected.getJsonObject("error")).as("record %s", redirected).isNotNull();
      assertThat(redirected.getJsonObject("error").getString("code")).isEqualTo("blocked");
      assertThat(redirected.getJsonObject("error").getString("message")).contains("127.0.0.2");
      assertThat(forbiddenHits).hasValue(0);
    } finally {
      TestNode.await(vertx.close());
    }
  }
}
