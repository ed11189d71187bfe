package dev.fetchbus.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A URL-list job, from upload to exported records")
class JobLifecycleTest {
  private static OriginServer origin;
  private static TestNode node;
  private static ApiClient user;

  @BeforeAll
  static void start() {
    origin = OriginServer.start();
    node = TestNode.start(new JsonObject().put("host", new JsonObject().put("maxConcurrency", 16)));
    user = node.newUser("lifecycle");
  }

  @AfterAll
  static void stop() {
    node.close();
    origin.close();
  }

  @Test
  @DisplayName("a 1,000-URL text job reaches done, and NDJSON and CSV hold each URL once with its page")
  void thousandUrlJob() {
    List<String> urls = IntStream.range(0, 1000).mapToObj(i -> origin.url("/page/" + i)).toList();
    JsonObject created = user.submit(urls, null);
    assertThat(created.getLong("accepted")).isEqualTo(1000);
    assertThat(created.getLong("duplicates")).isZero();
    assertThat(created.getLong("rejected")).isZero();

    JsonObject done = user.awaitState(created.getLong("id"), "done", Duration.ofSeconds(90));
    assertThat(done.getJsonObject("urls").getLong("done")).isEqualTo(1000);
    assertThat(done.getJsonObject("urls").getLong("failed")).isZero();
    assertThat(done.getString("startedAt")).isNotNull();
    assertThat(done.getString("finishedAt")).isNotNull();
    assertThat(done.getDouble("pagesPerSecond")).isPositive();

    List<JsonObject> records = user.get("/v1/jobs/" + created.getLong("id") + "/results").ndjson();
    assertThat(records).hasSize(1000);
    Set<String> seen = new HashSet<>();
    for (JsonObject record : records) {
      String url = record.getString("url");
      assertThat(seen.add(url)).as("each URL once: %s", url).isTrue();
      String n = url.substring(url.lastIndexOf('/') + 1);
      assertThat(record.getInteger("status")).isEqualTo(200);
      assertThat(record.getString("finalUrl")).isEqualTo(url);
      assertThat(record.getString("title")).isEqualTo("Page " + n);
      assertThat(record.getString("contentType")).startsWith("text/html");
      assertThat(record.getLong("bytes")).isPositive();
      assertThat(record.getString("contentHash")).hasSize(64);
      assertThat(record.getInteger("links")).isEqualTo(1);
      assertThat(record.getValue("error")).isNull();
      assertThat(record.getString("fetchedAt")).isNotNull();
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(urls);

    String csv = user.get("/v1/jobs/" + created.getLong("id") + "/results?format=csv").body();
    String[] lines = csv.split("\n");
    assertThat(lines).hasSize(1001);
    assertThat(lines[0]).startsWith("cursor,url,finalUrl,status,contentType,bytes");
    for (int i = 1; i < lines.length; i++) {
      JsonObject record = records.get(i - 1);
      String[] cells = lines[i].split(",", -1);
      assertThat(cells[0]).isEqualTo(String.valueOf(record.getLong("cursor")));
      assertThat(cells[1]).isEqualTo(record.getString("url"));
      assertThat(cells[3]).isEqualTo("200");
      assertThat(cells[7]).isEqualTo(record.getString("title"));
      assertThat(cells[8]).isEqualTo(record.getString("contentHash"));
    }
  }

  @Test
  @DisplayName("a JSON job counts duplicates and rejects, and results resume after a cursor")
  void jsonJobWithDuplicatesAndCursor() {
    JsonArray urls = new JsonArray();
    for (int i = 0; i < 20; i++) {
      urls.add(origin.url("/page/json" + i));
    }
    urls.add(origin.url("/page/json0")).add("HTTP://127.0.0.1:" + origin.port() + "/page/json1#fragment")
        .add("mailto:someone@example.com").add(42);
    JsonObject created = user.submitJson(urls, new JsonObject().put("hostConcurrency", 2));
    assertThat(created.getLong("accepted")).isEqualTo(20);
    assertThat(created.getLong("duplicates")).isEqualTo(2);
    assertThat(created.getLong("rejected")).isEqualTo(2);
    assertThat(created.getJsonArray("rejectedSamples")).hasSize(2);

    long id = created.getLong("id");
    user.awaitState(id, "done", Duration.ofSeconds(60));
    List<JsonObject> all = user.get("/v1/jobs/" + id + "/results").ndjson();
    assertThat(all).hasSize(20);
    long cursor = all.get(9).getLong("cursor");
    List<JsonObject> rest = user.get("/v1/jobs/" + id + "/results?after=" + cursor).ndjson();
    List<String> expected = new ArrayList<>();
    all.subList(10, 20).forEach(r -> expected.add(r.getString("url")));
    assertThat(rest).extracting(r -> r.getString("url")).containsExactlyElementsOf(expected);
  }

  @Test
  @DisplayName("with extract=false (fetch-only) records keep status and content hash but no title or links")
  void fetchOnlyJob() {
    List<String> urls = IntStream.range(0, 30).mapToObj(i -> origin.url("/page/fetch-only-" + i)).toList();
    long id = user.submit(urls, "extract=false").getLong("id");
    user.awaitState(id, "done", Duration.ofSeconds(60));
    List<JsonObject> records = user.get("/v1/jobs/" + id + "/results").ndjson();
    assertThat(records).hasSize(30).allSatisfy(r -> {
      assertThat(r.getInteger("status")).isEqualTo(200);
      assertThat(r.getString("contentHash")).hasSize(64);
      assertThat(r.getValue("title")).isNull();
      assertThat(r.getValue("links")).isNull();
    });
  }

  @Test
  @DisplayName("a job with no valid URL is done at once, with every line counted as rejected")
  void emptyJobIsDone() {
    ApiClient.Response r = user.post("/v1/jobs", "text/plain", "not a url\nftp://example.com/x\n\n");
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.json().getLong("rejected")).isEqualTo(2);
    assertThat(r.header("Location")).isEqualTo("/v1/jobs/" + r.json().getLong("id"));
    user.awaitState(r.json().getLong("id"), "done", Duration.ofSeconds(10));
  }
}
