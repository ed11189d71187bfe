package dev.fetchbus.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.GeneratedSite;
import dev.fetchbus.support.RecordingOrigin;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Crawl jobs over a generated site")
class CrawlTest {
  private static final int PAGES = 20_000;
  private static final int ORPHANS = 50;
  private static TestNode node;
  private static ApiClient user;

  @BeforeAll
  static void start() {
    node = TestNode.start(new JsonObject().put("fetch", new JsonObject().put("maxAttempts", 1)));
    user = node.newUser("crawler");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JsonObject crawl(GeneratedSite site, JsonObject extra) {
    JsonObject request = new JsonObject().put("kind", "crawl")
        .put("seeds", new JsonArray().add(site.base() + "/p/0"))
        .put("options", new JsonObject().put("hostConcurrency", 16))
        .mergeIn(extra);
    ApiClient.Response created = user.postJson("/v1/jobs", request);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    long id = created.json().getLong("id");
    return user.awaitState(id, "done", Duration.ofMinutes(5));
  }

  private static Map<String, JsonObject> records(long jobId) {
    List<JsonObject> lines = user.get("/v1/jobs/" + jobId + "/results").ndjson();
    Map<String, JsonObject> byUrl = new HashMap<>();
    for (JsonObject record : lines) {
      assertThat(byUrl.put(record.getString("url"), record)).as("one record for %s", record.getString("url")).isNull();
    }
    return byUrl;
  }

  @Test
  @DisplayName("a 20,000-page crawl records exactly the reachable pages, each fetched once, robots and sitemaps obeyed")
  void crawlsExactlyTheReachableSite() {
    try (GeneratedSite site = new GeneratedSite(PAGES, ORPHANS)) {
      JsonObject job = crawl(site, new JsonObject().put("sitemaps", true));
      Map<String, JsonObject> records = records(job.getLong("id"));

      assertThat(records.keySet()).containsExactlyInAnyOrderElementsOf(site.expectedUrls(true));
      for (int i = 0; i < PAGES; i++) {
        assertThat(site.hits("/p/" + i)).as("fetches of /p/%d", i).isEqualTo(i % 70 == 0 ? 2 : 1);
      }
      assertThat(site.hitsUnder("/private/")).isZero();
      assertThat(site.hitsUnder("/nofollow/")).isZero();
      assertThat(site.hits("/robots.txt")).isEqualTo(1);
      assertThat(site.hitsUnder("/orphan/")).isEqualTo(ORPHANS);

      JsonObject root = records.get(site.base() + "/p/0");
      assertThat(root.getInteger("depth")).isZero();
      assertThat(root.getString("discoveredFrom")).isNull();
      assertThat(root.getInteger("links")).isGreaterThan(5);
      JsonObject child = records.get(site.base() + "/p/1");
      assertThat(child.getInteger("depth")).isEqualTo(1);
      assertThat(child.getString("discoveredFrom")).isEqualTo(site.base() + "/p/0");
      assertThat(records.get(site.base() + "/private/100").getJsonObject("error").getString("code"))
          .isEqualTo("robots");
      assertThat(records.get(site.base() + "/missing/50").getInteger("status")).isEqualTo(404);
      assertThat(records.get(site.base() + "/moved/70").getString("finalUrl")).isEqualTo(site.base() + "/p/70");
      assertThat(records.get(site.base() + "/sitemap.xml").getString("kind")).isEqualTo("sitemap");
    }
  }

  @Test
  @DisplayName("maxDepth stops discovery at that many links from the seed")
  void maxDepth() {
    try (GeneratedSite site = new GeneratedSite(1000, 0)) {
      JsonObject job = crawl(site, new JsonObject().put("limits", new JsonObject().put("maxDepth", 2)));
      Set<String> expected = Set.of("/p/0", "/p/1", "/p/2", "/p/3", "/p/4", "/p/5", "/p/6", "/private/0", "/missing/0",
          "/moved/0").stream().map(p -> site.base() + p).collect(Collectors.toSet());
      assertThat(records(job.getLong("id")).keySet()).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  @DisplayName("maxPages is exact: the job records that many pages and not one more")
  void maxPagesIsExact() {
    try (GeneratedSite site = new GeneratedSite(5000, 0)) {
      JsonObject job = crawl(site, new JsonObject().put("limits", new JsonObject().put("maxPages", 137)));
      Map<String, JsonObject> records = records(job.getLong("id"));
      assertThat(records).hasSize(137);
      long redirected = records.keySet().stream().filter(url -> url.contains("/moved/")).count();
      assertThat(site.hitsUnder("/p/") + site.hitsUnder("/missing/") + site.hitsUnder("/moved/"))
          .as("origin requests: one per record, two for a record that was redirected")
          .isLessThanOrEqualTo(137 + redirected);
    }
  }

  @Test
  @DisplayName("scope excludes are honoured: excluded URLs are never fetched nor recorded")
  void excludePattern() {
    try (GeneratedSite site = new GeneratedSite(300, 0)) {
      JsonObject job = crawl(site, new JsonObject().put("scope",
          new JsonObject().put("exclude", new JsonArray().add("/p/\\d*[13579]$"))));
      Map<String, JsonObject> records = records(job.getLong("id"));
      assertThat(records.keySet()).noneMatch(url -> url.matches(".*/p/\\d*[13579]$"));
      assertThat(records).containsKey(site.base() + "/p/2");
      assertThat(site.hits("/p/1")).isZero();
    }
  }

  @Test
  @DisplayName("a sitemap index's child sitemaps are scoped: an out-of-scope child is never requested nor recorded")
  void childSitemapsAreScoped() {
    try (RecordingOrigin site = new RecordingOrigin(); RecordingOrigin other = new RecordingOrigin("127.0.0.2")) {
      site.serve("/index.xml", "application/xml", sitemapIndex(site.url("/in.xml"), other.url("/out.xml")))
          .serve("/in.xml", "application/xml", urlSet(site.url("/page/2")));
      other.serve("/out.xml", "application/xml", urlSet(other.url("/page/3")));
      JsonObject request = new JsonObject().put("kind", "crawl").put("seeds", new JsonArray().add(site.url("/page/1")))
          .put("sitemapSeeds", new JsonArray().add(site.url("/index.xml")));
      ApiClient.Response created = user.postJson("/v1/jobs", request);
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      user.awaitState(created.json().getLong("id"), "done", Duration.ofMinutes(2));

      assertThat(records(created.json().getLong("id")).keySet()).containsExactlyInAnyOrder(
          site.url("/page/1"), site.url("/index.xml"), site.url("/in.xml"), site.url("/page/2"));
      assertThat(site.hits("/in.xml")).as("the in-scope child is read").isEqualTo(1);
      assertThat(other.hits()).as("the out-of-scope host sees no request at all").isEmpty();
    }
  }

  private static String sitemapIndex(String... sitemaps) {
    StringBuilder xml = new StringBuilder(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex "
            + "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">");
    for (String sitemap : sitemaps) {
      xml.append("<sitemap><loc>").append(sitemap).append("</loc></sitemap>");
    }
    return xml.append("</sitemapindex>").toString();
  }

  private static String urlSet(String... urls) {
    StringBuilder xml = new StringBuilder(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">");
    for (String url : urls) {
      xml.append("<url><loc>").append(url).append("</loc></url>");
    }
    return xml.append("</urlset>").toString();
  }
}
