package dev.fetchbus.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.RecordingOrigin;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Politeness, as the origin sees it")
class PolitenessTest {
  private static TestNode node;
  private static ApiClient user;

  @BeforeAll
  static void start() {
    node = TestNode.start(new JsonObject()
        .put("fetch", new JsonObject().put("maxAttempts", 3).put("retryBaseMs", 200))
        .put("robots", new JsonObject().put("errorTtlMs", 100)));
    user = node.newUser("polite");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static List<String> pages(RecordingOrigin origin, String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> origin.url(prefix + i)).toList();
  }

  private static JsonObject run(List<String> urls, String query) {
    long id = user.submit(urls, query).getLong("id");
    return user.awaitState(id, "done", Duration.ofMinutes(2));
  }

  @Test
  @DisplayName("the per-host concurrency limit holds: the origin never sees more requests at once")
  void hostConcurrencyHolds() {
    try (RecordingOrigin origin = new RecordingOrigin().pageDelayMs(40)) {
      run(pages(origin, "/page/", 120), "hostConcurrency=3");
      assertThat(origin.maxConcurrent()).isLessThanOrEqualTo(3).isGreaterThan(1);
    }
  }

  @Test
  @DisplayName("a Retry-After on a 200 pauses nothing: only a 429 or a 503 asks the host to be left alone")
  void retryAfterOnSuccessIgnored() {
    try (OriginServer origin = OriginServer.start()) {
      List<String> urls = List.of(origin.url("/calm-down"), origin.url("/page/calm1"), origin.url("/page/calm2"));
      long id = user.submit(urls, "hostConcurrency=1&robots=false").getLong("id");
      // the 200 says Retry-After: 120; were it obeyed, the next two pages would wait two minutes
      JsonObject done = user.awaitState(id, "done", Duration.ofSeconds(60));
      assertThat(done.getJsonObject("urls").getLong("done")).isEqualTo(3);
    }
  }

  @Test
  @DisplayName("500 URLs of a new host cause exactly one robots.txt request")
  void robotsSingleFlight() {
    try (RecordingOrigin origin = new RecordingOrigin()) {
      run(pages(origin, "/page/", 500), "hostConcurrency=32");
      assertThat(origin.hits("/robots.txt")).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("a host answering 429 with Retry-After: 2 gets no request for those 2 seconds")
  void retryAfterPausesTheHost() {
    try (RecordingOrigin origin = new RecordingOrigin().retryAfterSeconds(2)) {
      run(pages(origin, "/busy/", 10), "hostConcurrency=1");
      List<RecordingOrigin.Hit> pages = origin.hits().stream().filter(h -> h.path().startsWith("/busy/")).toList();
      assertThat(pages).hasSize(11);
      long refusedAt = pages.get(0).atMs();
      assertThat(pages.get(1).atMs() - refusedAt).as("gap after the 429").isGreaterThanOrEqualTo(2000);
    }
  }

  @Test
  @DisplayName("Crawl-delay spaces the requests to a host")
  void crawlDelay() {
    try (RecordingOrigin origin = new RecordingOrigin().robots(200, "User-agent: *\nCrawl-delay: 1\n")) {
      run(pages(origin, "/page/", 4), "hostConcurrency=4");
      List<Long> times =
          origin.hits().stream().filter(h -> h.path().startsWith("/page/")).map(RecordingOrigin.Hit::atMs)
          .sorted().toList();
      for (int i = 1; i < times.size(); i++) {
        assertThat(times.get(i) - times.get(i - 1)).as("gap %d", i).isGreaterThanOrEqualTo(950);
      }
    }
  }

  @Test
  @DisplayName("disallowed URLs are recorded as robots, never fetched; robots can be switched off per job")
  void robotsDisallow() {
    try (RecordingOrigin origin = new RecordingOrigin().robots(200, "User-agent: *\nDisallow: /page/1\n")) {
      JsonObject job = run(List.of(origin.url("/page/1"), origin.url("/page/2")), null);
      List<JsonObject> records = user.get("/v1/jobs/" + job.getLong("id") + "/results").ndjson();
      JsonObject denied =
          records.stream().filter(r -> r.getString("url").endsWith("/page/1")).findFirst().orElseThrow();
      assertThat(denied.getJsonObject("error").getString("code")).isEqualTo("robots");
      assertThat(origin.hits("/page/1")).isZero();
      assertThat(origin.hits("/page/2")).isEqualTo(1);

      JsonObject ignoring = run(List.of(origin.url("/page/1")), "robots=false");
      assertThat(user.get("/v1/jobs/" + ignoring.getLong("id") + "/results").ndjson().get(0).getValue("error"))
          .isNull();
      assertThat(origin.hits("/page/1")).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("a sitemap that robots.txt disallows is recorded as robots and never fetched")
  void sitemapObeysRobots() {
    try (RecordingOrigin origin = new RecordingOrigin().robots(200, "User-agent: *\nDisallow: /private-sitemap\n")) {
      JsonObject crawl = new JsonObject().put("kind", "crawl")
          .put("seeds", new JsonArray().add(origin.url("/page/1")))
          .put("sitemapSeeds", new JsonArray().add(origin.url("/private-sitemap.xml")));
      long id = user.postJson("/v1/jobs", crawl).json().getLong("id");
      user.awaitState(id, "done", Duration.ofMinutes(2));
      JsonObject sitemap = user.get("/v1/jobs/" + id + "/results").ndjson().stream()
          .filter(r -> r.getString("url").endsWith("/private-sitemap.xml")).findFirst().orElseThrow();
      assertThat(sitemap.getJsonObject("error").getString("code")).isEqualTo("robots");
      assertThat(origin.hits("/private-sitemap.xml")).isZero();
    }
  }

  @Test
  @DisplayName("a robots.txt answering 5xx is retried, then the host is treated as disallowed")
  void robotsServerError() {
    try (RecordingOrigin origin = new RecordingOrigin().robots(503, "")) {
      JsonObject job = run(List.of(origin.url("/page/1")), null);
      JsonObject record = user.get("/v1/jobs/" + job.getLong("id") + "/results").ndjson().get(0);
      assertThat(record.getJsonObject("error").getString("code")).isEqualTo("robots");
      assertThat(record.getInteger("attempts")).isEqualTo(3);
      assertThat(origin.hits("/robots.txt")).isGreaterThan(1);
      assertThat(origin.hits("/page/1")).isZero();
    }
  }

  @Test
  @DisplayName("a robots.txt answering 4xx allows everything")
  void robotsClientErrorAllows() {
    try (RecordingOrigin origin = new RecordingOrigin().robots(403, "")) {
      JsonObject job = run(List.of(origin.url("/page/1")), null);
      assertThat(user.get("/v1/jobs/" + job.getLong("id") + "/results").ndjson().get(0).getValue("error")).isNull();
    }
  }
}
