package dev.fetchbus.content;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.TestNode;
import dev.fetchbus.support.VersionedSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A re-crawl goes on through pages that answer 304")
class RecrawlTest {
  private static final int PAGES = 300;
  private static VersionedSite site;
  private static TestNode node;
  private static ApiClient user;

  @BeforeAll
  static void start() {
    site = new VersionedSite(PAGES);
    node = TestNode.start();
    user = node.newUser("recrawler");
  }

  @AfterAll
  static void stop() {
    node.close();
    site.close();
  }

  private static long crawl() {
    JsonObject request = new JsonObject().put("kind", "crawl")
        .put("seeds", new JsonArray().add(site.url("/p/0")))
        .put("options", new JsonObject().put("hostConcurrency", 8).put("robots", false));
    ApiClient.Response created = user.postJson("/v1/jobs", request);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    long id = created.json().getLong("id");
    user.awaitState(id, "done", Duration.ofMinutes(3));
    return id;
  }

  private static Map<String, JsonObject> records(long jobId) {
    Map<String, JsonObject> byUrl = new HashMap<>();
    for (JsonObject record : user.get("/v1/jobs/" + jobId + "/results?fields=outlinks").ndjson()) {
      byUrl.put(record.getString("url"), record);
    }
    return byUrl;
  }

  @Test
  @DisplayName("the second crawl records every page again, unchanged ones as notModified with their stored body")
  void secondCrawlRecordsEveryPage() {
    Map<String, JsonObject> first = records(crawl());
    assertThat(first.keySet()).isEqualTo(site.pageUrls());
    site.change(5);
    site.change(150);

    long secondJob = crawl();
    Map<String, JsonObject> second = records(secondJob);
    assertThat(second.keySet()).isEqualTo(first.keySet());
    for (JsonObject record : second.values()) {
      String path = record.getString("url").replaceFirst("^http://[^/]+", "");
      boolean changed = path.equals("/p/5") || path.equals("/p/150");
      assertThat(record.getBoolean("notModified")).as(path).isEqualTo(!changed);
      assertThat(site.conditionalRequests(path)).as("conditional requests for %s", path).isEqualTo(1);
      assertThat(record.getJsonArray("outlinks")).as(path).contains(site.url("/p/0"));
      assertThat(record.getString("title")).as(path).startsWith("Seite ");
      ApiClient.Bytes body = user.getBytes("/v1/jobs/" + secondJob + "/pages/" + record.getLong("cursor") + "/body");
      assertThat(VersionedSite.sha256(body.body())).as(path).isEqualTo(VersionedSite.sha256(site.body(path)));
    }
    assertThat(site.notModifiedAnswers()).isEqualTo(PAGES - 2);
  }
}
