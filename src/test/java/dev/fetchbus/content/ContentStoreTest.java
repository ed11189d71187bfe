package dev.fetchbus.content;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import dev.fetchbus.support.VersionedSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The content store: bodies kept once, read back byte for byte")
class ContentStoreTest {
  private static final int PAGES = 1000;
  private static VersionedSite site;
  private static TestNode node;
  private static ApiClient user;

  @BeforeAll
  static void start() {
    site = new VersionedSite(PAGES);
    node = TestNode.start(new JsonObject().put("fetch", new JsonObject().put("allowNetworks", "127.0.0.0/8")
        .put("instances", 2).put("retryBaseMs", 100)));
    user = node.newUser("archivist");
  }

  @AfterAll
  static void stop() {
    node.close();
    site.close();
  }

  private static List<String> pageUrls(int count) {
    return IntStream.range(0, count).mapToObj(i -> site.url("/p/" + i)).toList();
  }

  private static long listJob(List<String> urls, String query) {
    long id = user.submit(urls, "robots=false&hostConcurrency=16" + (query == null ? "" : "&" + query)).getLong("id");
    user.awaitState(id, "done", Duration.ofMinutes(3));
    return id;
  }

  private static Map<String, JsonObject> records(long jobId, String fields) {
    Map<String, JsonObject> byUrl = new HashMap<>();
    String query = fields == null ? "" : "?fields=" + fields;
    for (JsonObject record : user.get("/v1/jobs/" + jobId + "/results" + query).ndjson()) {
      byUrl.put(record.getString("url"), record);
    }
    return byUrl;
  }

  private static long count(String sql) throws Exception {
    try (Connection conn = TestDatabase.connect(node.databaseUrl()); Statement st = conn.createStatement();
        ResultSet rows = st.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  @Test
  @DisplayName("every page of a 1,000-page site comes back from the body endpoint with the bytes the origin served")
  void byteExactRoundTrip() {
    long job = listJob(pageUrls(PAGES), null);
    Map<String, JsonObject> records = records(job, null);
    assertThat(records).hasSize(PAGES);
    for (JsonObject record : records.values()) {
      String path = record.getString("url").replaceFirst("^http://[^/]+", "");
      ApiClient.Bytes body = user.getBytes("/v1/jobs/" + job + "/pages/" + record.getLong("cursor") + "/body");
      assertThat(body.status()).as(path).isEqualTo(200);
      assertThat(VersionedSite.sha256(body.body())).as(path).isEqualTo(VersionedSite.sha256(site.body(path)));
      assertThat(body.header("Content-Type")).isEqualTo("text/html");
      assertThat(body.header("ETag")).isEqualTo('"' + record.getString("contentHash") + '"');
      assertThat(record.getBoolean("bodyStored")).isTrue();
    }
  }

  @Test
  @DisplayName("a record keeps its headers, description, canonical and language")
  void recordKeepsHeadersAndFacts() {
    long job = listJob(List.of(site.url("/p/7")), null);
    long cursor = records(job, null).get(site.url("/p/7")).getLong("cursor");
    JsonObject record = user.get("/v1/jobs/" + job + "/pages/" + cursor).json();
    assertThat(record.getString("title")).isEqualTo("Seite 7 · Grüße");
    assertThat(record.getString("description")).isEqualTo("Beschreibung 7");
    assertThat(record.getString("canonical")).isEqualTo(site.url("/p/7"));
    assertThat(record.getString("lang")).isEqualTo("de");
    assertThat(record.getString("protocol")).isEqualTo("HTTP/1.1");
    assertThat(record.getJsonArray("outlinks")).containsExactly(site.url("/p/15"), site.url("/p/16"), site.url("/p/0"),
        site.url("/p/7"));
    JsonObject headers = record.getJsonObject("headers");
    assertThat(headers.getJsonArray("response")).contains(new JsonArray().add("X-Origin").add("versioned"));
    assertThat(headers.getJsonArray("request").stream().map(h -> ((JsonArray) h).getString(0).toLowerCase()))
        .contains("host", "user-agent", "accept-encoding");
    assertThat(headers.getString("reason")).isEqualTo("OK");
    assertThat(user.get("/v1/jobs/" + job + "/pages/999999").status()).isEqualTo(404);
  }

  @Test
  @DisplayName("a second job over the same bodies adds no stored body; store=none keeps none")
  void dedupeAndStoreNone() throws Exception {
    List<String> same = IntStream.range(0, 200).mapToObj(i -> site.url("/same/" + i)).toList();
    listJob(same, null);
    long bodies = count("select count(*) from bodies");
    long stored = count("select coalesce(sum(stored), 0) from bodies");
    long second = listJob(same, null);
    assertThat(count("select count(*) from bodies")).isEqualTo(bodies);
    assertThat(count("select coalesce(sum(stored), 0) from bodies")).isEqualTo(stored);
    assertThat(records(second, null).values()).allSatisfy(r -> assertThat(r.getBoolean("bodyStored")).isTrue());
    assertThat(user.get("/v1/jobs/" + second).json().getJsonObject("stored").getLong("bodies")).isEqualTo(1);

    long none = listJob(List.of(site.url("/same/none")), "store=none");
    JsonObject record = records(none, null).values().iterator().next();
    assertThat(record.getBoolean("bodyStored")).isFalse();
    ApiClient.Response missing = user.get("/v1/jobs/" + none + "/pages/" + record.getLong("cursor") + "/body");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().getString("error")).isEqualTo("not_found");
  }

  @Test
  @DisplayName("a body over maxBodyBytes keeps the bytes that were read, marked truncated")
  void truncatedBody() {
    long job = listJob(List.of(site.url("/p/49")), "maxBodyBytes=100");
    JsonObject record = records(job, null).values().iterator().next();
    assertThat(record.getBoolean("truncated")).isTrue();
    assertThat(record.getJsonObject("error").getString("code")).isEqualTo("too_large");
    ApiClient.Bytes body = user.getBytes("/v1/jobs/" + job + "/pages/" + record.getLong("cursor") + "/body");
    assertThat(body.body()).hasSize(100).isEqualTo(Arrays.copyOf(site.body("/p/49"), 100));
    assertThat(body.header("X-Fetchbus-Truncated")).isEqualTo("true");
  }

  @Test
  @DisplayName("the export adds html, text, markdown, outlinks and headers on request")
  void exportFields() {
    long job = listJob(List.of(site.url("/p/3")), null);
    JsonObject record = records(job, "html,text,markdown,outlinks,headers").values().iterator().next();
    assertThat(record.getString("html")).contains("<h1>Seite 3</h1>").contains("ÄÖÜ ß");
    assertThat(record.getString("text")).contains("Seite 3").contains("Version 0 · ÄÖÜ ß").doesNotContain("<");
    assertThat(record.getString("markdown")).contains("Seite 3").contains("[next 7](");
    assertThat(record.getJsonArray("outlinks")).contains(site.url("/p/7"), site.url("/p/8"), site.url("/p/0"));
    assertThat(record.getJsonObject("headers").getJsonArray("response")).isNotEmpty();
    assertThat(user.get("/v1/jobs/" + job + "/results?fields=body").status()).isEqualTo(400);
    assertThat(user.get("/v1/jobs/" + job + "/results?format=csv&fields=html").status()).isEqualTo(400);
  }
}
