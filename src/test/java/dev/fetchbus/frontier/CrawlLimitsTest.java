package dev.fetchbus.frontier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.RecordingOrigin;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Crawl limits that stop work: a job's maxDurationSeconds, and the node's sitemap.maxBytes")
class CrawlLimitsTest {
  /** Small enough that a sitemap of a few dozen URLs is over it. */
  private static final int SITEMAP_MAX_BYTES = 1024;
  private static final int SEEDS = 40;
  /** Each seed takes this long and one runs at a time: the whole crawl would take 16 s, far past its 1 s limit. */
  private static final int SLOW_MS = 400;
  /** Requests that may reach the origin after the expiry: the one in flight, plus a dispatch racing it. */
  private static final int SLACK = 3;
  private static OriginServer origin;
  private static TestNode node;
  private static ApiClient user;

  @BeforeAll
  static void start() {
    origin = OriginServer.start();
    node = TestNode.start(new JsonObject().put("sitemap", new JsonObject().put("maxBytes", SITEMAP_MAX_BYTES)));
    user = node.newUser("limited-crawler");
  }

  @AfterAll
  static void stop() {
    node.close();
    origin.close();
  }

  @Test
  @DisplayName(
      "a crawl past maxDurationSeconds is stopped: done with stopReason "
          + "maxDurationSeconds, the rest cancelled, no more fetches")
  void maxDurationStopsTheCrawl() {
    JsonArray seeds = new JsonArray(IntStream.range(0, SEEDS).mapToObj(i -> origin.url("/slow/" + SLOW_MS + "?n=" + i))
        .toList());
    JsonObject request = new JsonObject().put("kind", "crawl").put("seeds", seeds)
        .put("limits", new JsonObject().put("maxDurationSeconds", 1))
        .put("options", new JsonObject().put("hostConcurrency", 1));
    ApiClient.Response created = user.postJson("/v1/jobs", request);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    long id = created.json().getLong("id");

    // the expiry sweep runs every second: well within 30 s even on a loaded machine, far before the 16 s crawl ends
    JsonObject job = user.awaitState(id, "done", Duration.ofSeconds(30));
    assertThat(job.getString("stopReason")).isEqualTo("maxDurationSeconds");
    JsonObject counts = job.getJsonObject("urls");
    assertThat(counts.getLong("cancelled")).as("URLs left when the time ran out: %s", counts).isPositive();
    assertThat(counts.getLong("queued")).isZero();
    assertThat(counts.getLong("leased")).isZero();
    long done = counts.getLong("done");
    assertThat(done + counts.getLong("cancelled")).isEqualTo(SEEDS);

    // nothing new may reach the origin: the hits stay within what was done plus the slack for as long as we watch
    await("no fetch after the expiry").during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(origin.hits("/slow/")).as("requests at the origin; the job: %s", job)
            .isLessThanOrEqualTo(done + SLACK));
    assertThat(origin.hits("/slow/")).isLessThan(SEEDS);
    assertThat(user.get("/v1/jobs/" + id).json().getString("state")).as("the job stays done").isEqualTo("done");
  }

  @Test
  @DisplayName("a sitemap over sitemap.maxBytes is recorded as too_large, and the message names sitemap.maxBytes")
  void truncatedSitemapNamesItsCap() {
    try (RecordingOrigin site = new RecordingOrigin()) {
      StringBuilder xml = new StringBuilder(
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">");
      for (int i = 0; i < 100; i++) {
        xml.append("<url><loc>").append(site.url("/listed/" + i)).append("</loc></url>");
      }
      String sitemap = xml.append("</urlset>").toString();
      assertThat(sitemap.length()).as("the sitemap is over the cap").isGreaterThan(2 * SITEMAP_MAX_BYTES);
      site.serve("/big-sitemap.xml", "application/xml", sitemap);
      JsonObject request = new JsonObject().put("kind", "crawl").put("seeds", new JsonArray().add(site.url("/page/1")))
          .put("sitemapSeeds", new JsonArray().add(site.url("/big-sitemap.xml")));
      ApiClient.Response created = user.postJson("/v1/jobs", request);
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      long id = created.json().getLong("id");
      user.awaitState(id, "done", Duration.ofMinutes(2));

      JsonObject record = user.get("/v1/jobs/" + id + "/results").ndjson().stream()
          .filter(r -> r.getString("url").endsWith("/big-sitemap.xml")).findFirst().orElseThrow();
      JsonObject error = record.getJsonObject("error");
      assertThat(error).as(record.encode()).isNotNull();
      assertThat(error.getString("code")).as(record.encode()).isEqualTo("too_large");
      assertThat(error.getString("message")).contains("sitemap.maxBytes (" + SITEMAP_MAX_BYTES + ")")
          .doesNotContain("maxBodyBytes");
    }
  }
}
