package dev.fetchbus.api;

import static dev.fetchbus.api.TestHttp.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Crawl jobs are validated before they exist")
class CrawlJobValidationTest {
  private static OriginServer origin;
  private static TestNode node;
  private static ApiClient user;

  @BeforeAll
  static void start() {
    origin = OriginServer.start();
    node = TestNode.start();
    user = node.newUser("crawl-validator");
  }

  @AfterAll
  static void stop() {
    node.close();
    origin.close();
  }

  private static JsonObject crawl() {
    return new JsonObject().put("kind", "crawl").put("seeds", new JsonArray().add(origin.url("/page/1")));
  }

  private record Bad(String why, JsonObject request, String field) {}

  private static List<Bad> badRequests() {
    return List.of(
        new Bad("no seeds", new JsonObject().put("kind", "crawl"), "seeds"),
        new Bad("empty seeds", crawl().put("seeds", new JsonArray()), "seeds"),
        new Bad("seeds not an array", crawl().put("seeds", origin.url("/page/1")), "seeds"),
        new Bad("a seed that is not a URL", crawl().put("seeds", new JsonArray().add("not a url")), "seeds"),
        new Bad("a seed of another scheme", crawl().put("seeds", new JsonArray().add(origin.url("/a")).add("ftp://x/")),
            "seeds"),
        new Bad("a seed that is not a string", crawl().put("seeds", new JsonArray().add(42)), "seeds"),
        new Bad("a bad sitemap seed", crawl().put("sitemapSeeds", new JsonArray().add("mailto:a@b.c")), "sitemapSeeds"),
        new Bad("scope not an object", crawl().put("scope", "host"), "scope"),
        new Bad("a bad scope mode", crawl().put("scope", new JsonObject().put("mode", "galaxy")), "scope.mode"),
        new Bad("a bad include regex", crawl().put("scope", new JsonObject().put("include", new JsonArray().add("(["))),
            "scope.include"),
        new Bad("a bad exclude regex", crawl().put("scope", new JsonObject().put("exclude", new JsonArray().add("*x"))),
            "scope.exclude"),
        new Bad("include not an array", crawl().put("scope", new JsonObject().put("include", "/docs/")),
            "scope.include"),
        new Bad("a bad prefix", crawl().put("scope", new JsonObject().put("mode", "prefix")
            .put("prefixes", new JsonArray().add("/relative"))), "scope.prefixes"),
        new Bad("limits not an object", crawl().put("limits", 10), "limits"),
        new Bad("an unknown limit", crawl().put("limits", new JsonObject().put("maxBytes", 10)), "maxBytes"),
        new Bad("maxPages 0", crawl().put("limits", new JsonObject().put("maxPages", 0)), "limits.maxPages"),
        new Bad("maxPages not whole", crawl().put("limits", new JsonObject().put("maxPages", 1.5)), "limits.maxPages"),
        new Bad("maxPages a string", crawl().put("limits", new JsonObject().put("maxPages", "10")), "limits.maxPages"),
        new Bad("maxDepth negative", crawl().put("limits", new JsonObject().put("maxDepth", -1)), "limits.maxDepth"),
        new Bad("maxDurationSeconds too large", crawl().put("limits",
            new JsonObject().put("maxDurationSeconds", 10_000_000_000L)), "limits.maxDurationSeconds"),
        new Bad("sitemaps a string", crawl().put("sitemaps", "yes"), "sitemaps"),
        new Bad("sitemaps a number", crawl().put("sitemaps", 1), "sitemaps"),
        new Bad("options not an object", crawl().put("options", "fast"), "options"),
        new Bad("an out-of-range option", crawl().put("options", new JsonObject().put("hostConcurrency", 0)),
            "hostConcurrency"));
  }

  @Test
  @DisplayName("a bad crawl request is 422 with a message naming the bad field, and no job is created")
  void badFieldsAre422() throws Exception {
    long before = jobCount();
    for (Bad bad : badRequests()) {
      ApiClient.Response r = user.postJson("/v1/jobs", bad.request());
      JsonObject error = assertError(r, 422, "invalid");
      assertThat(error.getString("message")).as("message for %s", bad.why()).contains(bad.field());
    }
    assertThat(jobCount()).isEqualTo(before);
  }

  @Test
  @DisplayName("a valid crawl is 201 with a Location, kind crawl, and the seeds counted")
  void validCrawlIsCreated() {
    JsonObject request = crawl()
        .put("seeds", new JsonArray().add(origin.url("/page/1")).add(origin.url("/page/1#again")))
        .put("limits", new JsonObject().put("maxDepth", 0).put("maxPages", 5));

    ApiClient.Response r = user.postJson("/v1/jobs", request);

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonObject created = r.json();
    long id = created.getLong("id");
    assertThat(r.header("Location")).isEqualTo("/v1/jobs/" + id);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertThat(created.getString("kind")).isEqualTo("crawl");
    assertThat(created.getInteger("accepted")).isEqualTo(1);
    assertThat(created.getInteger("duplicates")).as("the same page spelled with a fragment").isEqualTo(1);
    assertThat(user.get(r.header("Location")).status()).isEqualTo(200);
    user.awaitState(id, "done", Duration.ofMinutes(2));
  }

  @Test
  @DisplayName("GET /v1/jobs/{id} shows the stored crawl plan: normalised seeds, the full scope, limits and sitemaps")
  void storedPlan() {
    JsonObject request = crawl()
        .put("seeds", new JsonArray().add("HTTP://127.0.0.1:" + origin.port() + "/./page/2#top"))
        .put("scope", new JsonObject().put("mode", "prefix").put("exclude", new JsonArray().add("/private/")))
        .put("limits", new JsonObject().put("maxDepth", 1).put("maxPages", 3))
        .put("sitemapSeeds", new JsonArray().add(origin.url("/sitemap.xml")));

    ApiClient.Response r = user.postJson("/v1/jobs", request);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    long id = r.json().getLong("id");
    assertThat(r.json().getInteger("accepted")).as("the seed and the sitemap seed").isEqualTo(2);

    JsonObject job = user.get("/v1/jobs/" + id).json();
    assertThat(job.getString("kind")).isEqualTo("crawl");
    String seed = origin.url("/page/2");
    assertThat(job.getJsonObject("crawl")).isEqualTo(new JsonObject()
        .put("seeds", new JsonArray().add(seed))
        .put("scope", new JsonObject().put("mode", "prefix").put("prefixes", new JsonArray().add(seed))
            .put("include", new JsonArray()).put("exclude", new JsonArray().add("/private/")))
        .put("limits", new JsonObject().put("maxDepth", 1).put("maxPages", 3))
        .put("sitemaps", true).put("requisites", false));
    user.awaitState(id, "done", Duration.ofMinutes(2));
  }

  @Test
  @DisplayName("a crawl's defaults are stored too: host scope, no limits, sitemaps off")
  void storedDefaults() {
    ApiClient.Response r = user.postJson("/v1/jobs", crawl().put("limits", new JsonObject().put("maxDepth", 0)));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    long id = r.json().getLong("id");

    JsonObject plan = user.get("/v1/jobs/" + id).json().getJsonObject("crawl");
    assertThat(plan.getJsonObject("scope").getString("mode")).isEqualTo("host");
    assertThat(plan.getJsonObject("scope").getJsonArray("prefixes")).isEmpty();
    assertThat(plan.getBoolean("sitemaps")).isFalse();
    user.awaitState(id, "done", Duration.ofMinutes(2));
  }

  @Test
  @DisplayName("another user cannot see a crawl job")
  void otherUsersCannotSee() {
    ApiClient.Response r = user.postJson("/v1/jobs", crawl().put("limits", new JsonObject().put("maxDepth", 0)));
    assertThat(r.status()).isEqualTo(201);
    assertError(node.newUser("nosy").get(r.header("Location")), 404, "not_found");
    user.awaitState(r.json().getLong("id"), "done", Duration.ofMinutes(2));
  }

  private static long jobCount() throws Exception {
    try (Connection conn = TestDatabase.connect(node.databaseUrl()); Statement st = conn.createStatement();
        ResultSet rows = st.executeQuery("select count(*) from jobs")) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
