package dev.fetchbus.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.HeaderOrigin;
import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A job's cookie jar: filled from Set-Cookie, sent back where RFC 6265 says, kept across a restart")
class JobCookiesTest {
  private static HeaderOrigin a;
  private static HeaderOrigin b;

  @BeforeAll
  static void start() {
    a = new HeaderOrigin("127.0.0.1");
    b = new HeaderOrigin("127.0.0.2");
  }

  @AfterAll
  static void stop() {
    a.close();
    b.close();
  }

  /** A crawl of {@code seed} that keeps cookies. */
  private static JsonObject crawl(String seed, JsonObject options) {
    return new JsonObject().put("kind", "crawl").put("seeds", new JsonArray().add(seed))
        .put("options", options.put("cookies", true));
  }

  @Test
  @DisplayName("a cookie set by page 1 goes with page 2 of the crawl, and not to another job")
  void pageToPage() {
    a.on("/p1", req -> {
      req.response().headers().add("Set-Cookie", "sid=abc123; Path=/; HttpOnly")
          .add("Set-Cookie", "wide=1; Domain=com; Path=/");
      req.response().putHeader("Content-Type", "text/html").end("<a href=\"/p2\">2</a>");
    });
    try (TestNode node = TestNode.start()) {
      ApiClient user = node.newUser("cookies");
      long id = created(user.postJson("/v1/jobs", crawl(a.url("/p1"), new JsonObject())));
      user.awaitState(id, "done", Duration.ofMinutes(2));

      assertThat(a.seen("/p1").get(0).header("Cookie")).isNull();
      assertThat(a.seen("/p2").get(0).header("Cookie")).isEqualTo("sid=abc123");

      long other = created(user.postJson("/v1/jobs", new JsonObject().put("urls", new JsonArray().add(a.url("/p3")))
          .put("options", new JsonObject().put("cookies", true))));
      user.awaitState(other, "done", Duration.ofMinutes(2));
      assertThat(a.seen("/p3").get(0).header("Cookie")).as("jars are never shared across jobs").isNull();
    }
  }

  @Test
  @DisplayName("seeded cookies go to their host only")
  void seeded() {
    try (TestNode node = TestNode.start()) {
      ApiClient user = node.newUser("seeds");
      JsonObject options = new JsonObject().put("cookies", new JsonArray().add(new JsonObject()
          .put("name", "session").put("value", "s-1").put("domain", "127.0.0.1")));
      long id = user.submitJson(new JsonArray().add(a.url("/seeded")).add(b.url("/seeded")), options).getLong("id");
      user.awaitState(id, "done", Duration.ofMinutes(2));
      assertThat(a.seen("/seeded").get(0).header("Cookie")).isEqualTo("session=s-1");
      assertThat(b.seen("/seeded").get(0).header("Cookie")).isNull();
    }
  }

  @Test
  @DisplayName("after a restart mid-crawl, the next node sends the cookie page 1 set")
  void survivesRestart() {
    a.on("/r1", req -> req.response().putHeader("Content-Type", "text/html")
        .putHeader("Set-Cookie", "sid=kept; Max-Age=3600").end("<a href=\"/r2\">2</a>"));
    TestNode first = TestNode.start();
    String database = first.databaseUrl();
    TestNode second = null;
    try {
      ApiClient user = first.newUser("restart");
      // a long host delay holds page 2 back, so the first node stops between the two pages
      long id = created(user.postJson("/v1/jobs", crawl(a.url("/r1"), new JsonObject().put("hostDelayMs", 600_000))));
      await().atMost(Duration.ofMinutes(1)).until(() -> user.get("/v1/jobs/" + id + "/results").ndjson().size() == 1);
      first.stop();
      assertThat(a.seen("/r2")).as("page 2 waits for the next node").isEmpty();

      second = TestNode.start(new JsonObject().put("pg", new JsonObject().put("url", database)));
      ApiClient again = second.withKey(user.key());
      again.awaitState(id, "done", Duration.ofMinutes(2));
      assertThat(a.seen("/r2")).hasSize(1);
      assertThat(a.seen("/r2").get(0).header("Cookie")).isEqualTo("sid=kept");
    } finally {
      if (second != null) {
        second.close();
      }
      TestDatabase.drop(database);
    }
  }

  private static long created(ApiClient.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getLong("id");
  }
}
