package dev.fetchbus.api;

import static dev.fetchbus.api.TestHttp.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Bad input gets a precise JSON error, and nothing half-made")
class BadInputTest {
  private static final int MAX_JSON_BYTES = 4096;
  private static final int MAX_HOST_CONCURRENCY = 8;
  private static OriginServer origin;
  private static TestNode node;
  private static ApiClient user;

  @BeforeAll
  static void start() {
    origin = OriginServer.start();
    node = TestNode.start(new JsonObject()
        .put("http", new JsonObject().put("maxJsonBytes", MAX_JSON_BYTES))
        .put("job", new JsonObject().put("maxHostConcurrency", MAX_HOST_CONCURRENCY)));
    user = node.newUser("careless");
  }

  @AfterAll
  static void stop() {
    node.close();
    origin.close();
  }

  @Test
  @DisplayName("a body that is not JSON is 400 invalid_json, and no job is created")
  void invalidJson() throws Exception {
    long before = jobCount();
    for (String body : List.of("{not json", "{\"urls\": [\"http://127.0.0.1/\"", "", "urls=http://x/")) {
      assertError(user.post("/v1/jobs", "application/json", body), 400, "invalid_json");
    }
    assertThat(jobCount()).isEqualTo(before);
  }

  @Test
  @DisplayName("JSON that is not an object is 400")
  void jsonNotAnObject() {
    for (String body : List.of("[\"" + origin.url("/page/1") + "\"]", "\"text\"", "42", "null", "true")) {
      assertError(user.post("/v1/jobs", "application/json", body), 400, "invalid_json");
    }
  }

  @Test
  @DisplayName("a content type other than JSON or plain text is 415, for jobs and for users")
  void wrongContentType() throws Exception {
    long before = jobCount();
    String urls = origin.url("/page/1") + "\n";
    for (String type : List.of("application/xml", "text/html", "application/x-www-form-urlencoded")) {
      assertError(user.post("/v1/jobs", type, urls), 415, "unsupported_media_type");
    }
    assertError(user.post("/v1/jobs", null, urls), 415, "unsupported_media_type");
    assertError(node.admin().post("/v1/users", "text/plain", "name=zed"), 415, "unsupported_media_type");
    assertThat(jobCount()).isEqualTo(before);
    // Parameters on the media type are fine
    assertThat(user.post("/v1/jobs", "text/plain; charset=utf-8", urls).status()).isEqualTo(201);
    assertThat(user.post("/v1/jobs", "Application/JSON; charset=utf-8",
        new JsonObject().put("urls", new JsonArray().add(origin.url("/page/2"))).encode()).status()).isEqualTo(201);
  }

  @Test
  @DisplayName("a JSON job without a urls array, or with a bad kind or options, is 422")
  void missingOrWrongUrls() throws Exception {
    long before = jobCount();
    String url = origin.url("/page/1");
    for (JsonObject body : List.of(
        new JsonObject(),
        new JsonObject().put("url", new JsonArray().add(url)),
        new JsonObject().put("urls", url),
        new JsonObject().put("urls", new JsonObject().put("0", url)),
        new JsonObject().putNull("urls"),
        new JsonObject().put("urls", new JsonArray().add(url)).put("options", "fast"),
        new JsonObject().put("urls", new JsonArray().add(url)).put("kind", "archive"))) {
      JsonObject error = assertError(user.postJson("/v1/jobs", body), 422, "invalid");
      assertThat(error.getString("message")).as("message for %s", body)
          .containsAnyOf("urls", "options", "kind", "seeds");
    }
    assertThat(jobCount()).as("no job is created for refused input").isEqualTo(before);
  }

  @Test
  @DisplayName("an unknown or non-numeric job id is 404 on every job route")
  void unknownJobIds() {
    for (String id : List.of("999999", "abc", "0", "-1", "1.5", "99999999999999999999")) {
      assertError(user.get("/v1/jobs/" + id), 404, "not_found");
      assertError(user.get("/v1/jobs/" + id + "/results"), 404, "not_found");
      assertError(user.delete("/v1/jobs/" + id), 404, "not_found");
    }
  }

  @Test
  @DisplayName("malformed lines of a text upload are counted as rejected with samples, and the good lines run")
  void malformedLinesAreRejectedNotFatal() {
    String good1 = origin.url("/page/bad-input-1");
    String good2 = origin.url("/page/bad-input-2");
    String body = String.join("\n", good1, "not a url", "ftp://example.com/file", "# a comment", "", good2,
        "javascript:alert(1)", "http://", "mailto:someone@example.com") + "\n";
    ApiClient.Response r = user.post("/v1/jobs", "text/plain", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonObject created = r.json();
    assertThat(created.getLong("accepted")).isEqualTo(2);
    assertThat(created.getLong("rejected")).isEqualTo(5);
    JsonArray samples = created.getJsonArray("rejectedSamples");
    assertThat(samples).hasSize(5);
    List<Long> lines = new ArrayList<>();
    List<String> inputs = new ArrayList<>();
    for (Object o : samples) {
      JsonObject sample = (JsonObject) o;
      assertThat(sample.fieldNames()).containsExactlyInAnyOrder("line", "input", "reason");
      assertThat(sample.getString("reason")).isNotBlank();
      lines.add(sample.getLong("line"));
      inputs.add(sample.getString("input"));
    }
    assertThat(lines).containsExactly(2L, 3L, 7L, 8L, 9L);
    assertThat(inputs).containsExactly("not a url", "ftp://example.com/file", "javascript:alert(1)", "http://",
        "mailto:someone@example.com");
    assertThat(samples.getJsonObject(1).getString("reason")).contains("ftp");

    long id = created.getLong("id");
    JsonObject done = user.awaitState(id, "done", Duration.ofSeconds(60));
    assertThat(done.getJsonObject("urls").getLong("done")).isEqualTo(2);
    assertThat(done.getLong("rejected")).isEqualTo(5);
    assertThat(done.getJsonArray("rejectedSamples")).isEqualTo(samples);
    assertThat(user.get("/v1/jobs/" + id + "/results").ndjson()).extracting(rec -> rec.getString("url"))
        .containsExactlyInAnyOrder(good1, good2);
  }

  @Test
  @DisplayName("rejected samples are capped at job.rejectedSamples while every rejected line is counted")
  void rejectedSamplesAreCapped() {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 25; i++) {
      body.append("bad line ").append(i).append('\n');
    }
    JsonObject created = user.submit(List.of(body.toString().strip().split("\n")), null);
    assertThat(created.getLong("rejected")).isEqualTo(25);
    assertThat(created.getJsonArray("rejectedSamples")).hasSize(10);
    assertThat(created.getJsonArray("rejectedSamples").getJsonObject(0).getString("input")).isEqualTo("bad line 0");
  }

  @Test
  @DisplayName("bad option values are 422 with a message naming the option, for JSON and text jobs alike")
  void badOptions() throws Exception {
    long before = jobCount();
    JsonArray urls = new JsonArray().add(origin.url("/page/opt"));
    List<JsonObject> bad = List.of(
        new JsonObject().put("hostConcurrency", 0),
        new JsonObject().put("hostConcurrency", -3),
        new JsonObject().put("hostConcurrency", MAX_HOST_CONCURRENCY + 1),
        new JsonObject().put("hostConcurrency", "fast"),
        new JsonObject().put("hostConcurrency", 1.5),
        new JsonObject().put("hostConcurrency", new JsonArray().add(1)),
        new JsonObject().put("timeoutMs", 10),
        new JsonObject().put("hostDelayMs", -1),
        new JsonObject().put("speed", 1));
    for (JsonObject options : bad) {
      String option = options.fieldNames().iterator().next();
      JsonObject error =
          assertError(user.postJson("/v1/jobs", new JsonObject().put("urls", urls).put("options", options)),
          422, "invalid");
      assertThat(error.getString("message")).as("message for %s", options).contains(option);
    }
    JsonObject above = assertError(user.postJson("/v1/jobs", new JsonObject().put("urls", urls)
        .put("options", new JsonObject().put("hostConcurrency", MAX_HOST_CONCURRENCY + 1))), 422, "invalid");
    assertThat(above.getString("message")).as("the message names the bound")
        .contains(String.valueOf(MAX_HOST_CONCURRENCY));

    for (String query : List.of("hostConcurrency=0", "hostConcurrency=" + (MAX_HOST_CONCURRENCY + 1),
        "hostConcurrency=fast", "speed=1")) {
      JsonObject error = assertError(user.post("/v1/jobs?" + query, "text/plain", origin.url("/page/opt") + "\n"),
          422, "invalid");
      assertThat(error.getString("message")).contains(query.substring(0, query.indexOf('=')));
    }
    assertThat(jobCount()).as("refused options create no job").isEqualTo(before);

    // The bound itself is allowed, so the refusals above are about the values
    JsonObject atBound = user.submitJson(urls, new JsonObject().put("hostConcurrency", MAX_HOST_CONCURRENCY));
    assertThat(user.get("/v1/jobs/" + atBound.getLong("id")).json().getJsonObject("options")
        .getInteger("hostConcurrency")).isEqualTo(MAX_HOST_CONCURRENCY);
    assertThat(user.submit(List.of(origin.url("/page/opt")), "hostConcurrency=1").getLong("accepted")).isEqualTo(1);
  }

  @Test
  @DisplayName("a JSON body above http.maxJsonBytes is 413, declared or chunked, and a small one is accepted")
  void jsonBodyTooLarge() throws Exception {
    JsonArray urls = new JsonArray();
    for (int i = 0; urls.encode().length() <= 2 * MAX_JSON_BYTES; i++) {
      urls.add(origin.url("/page/too-large-" + i));
    }
    String big = new JsonObject().put("urls", urls).encode();
    long before = jobCount();
    assertError(user.post("/v1/jobs", "application/json", big), 413, "too_large");

    byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
    ApiClient.Response chunked = TestHttp.send(TestHttp.request(node.port(), "/v1/jobs", userKey())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))));
    assertError(chunked, 413, "too_large");
    assertThat(jobCount()).isEqualTo(before);

    String small = new JsonObject().put("urls", new JsonArray().add(origin.url("/page/small"))).encode();
    assertThat(small.length()).isLessThan(MAX_JSON_BYTES);
    assertThat(user.post("/v1/jobs", "application/json", small).status()).isEqualTo(201);
  }

  @Test
  @DisplayName("a text line far over 1 MiB is 413, the half-uploaded job is cancelled, and no later line is fetched")
  void overlongLine() throws Exception {
    long before = jobCount();
    StringBuilder text = new StringBuilder(origin.url("/page/before-long-line")).append('\n')
        .append("http://127.0.0.1/").append("a".repeat(2 * 1024 * 1024)).append('\n');
    for (int i = 0; i < 3000; i++) {
      text.append(origin.url("/page/after-long-line-" + i)).append('\n');
    }
    byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
    ApiClient.Response r = TestHttp.send(TestHttp.request(node.port(), "/v1/jobs", userKey())
        .header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
    assertError(r, 413, "too_large");
    assertThat(jobCount()).isEqualTo(before + 1);
    long id;
    try (Connection conn = TestDatabase.connect(node.databaseUrl()); Statement st = conn.createStatement();
        ResultSet rows = st.executeQuery("select id, state from jobs order by id desc limit 1")) {
      assertThat(rows.next()).isTrue();
      id = rows.getLong(1);
      assertThat(rows.getString(2)).isEqualTo("cancelled");
    }
    // Whatever the node still reads of the refused upload must not become work: hits only grow, so
    // one fetch of a later line fails this at once
    await("no line after the refused one to be fetched").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
        .untilAsserted(() -> assertThat(origin.hits("/page/after-long-line"))
            .as("lines after the refused one are not fetched").isZero());
    try (Connection conn = TestDatabase.connect(node.databaseUrl()); Statement st = conn.createStatement();
        ResultSet rows = st.executeQuery("select (select count(*) from queue where job_id = " + id
            + ") + (select count(*) from pages where job_id = " + id + ")")) {
      rows.next();
      assertThat(rows.getLong(1)).as("no live or finished URL in the cancelled job").isZero();
    }
  }

  @Test
  @DisplayName("an unknown route is a 404 JSON error, and a wrong method a 405 JSON error")
  void unknownRoute() {
    assertError(node.anonymous().get("/nope"), 404, "not_found");
    assertError(user.get("/v1/nope"), 404, "not_found");
    ApiClient.Response put = TestHttp.send(TestHttp.request(node.port(), "/v1/jobs/1", userKey())
        .PUT(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json"));
    assertError(put, 405, "method_not_allowed");
  }

  @Test
  @DisplayName("an unknown results format or a non-numeric cursor is 400")
  void badResultParameters() {
    long id = user.submit(List.of(origin.url("/page/params")), null).getLong("id");
    user.awaitState(id, "done", Duration.ofSeconds(60));
    assertError(user.get("/v1/jobs/" + id + "/results?format=xml"), 400, "bad_request");
    assertError(user.get("/v1/jobs/" + id + "/results?format="), 400, "bad_request");
    assertError(user.get("/v1/jobs/" + id + "/results?after=abc"), 400, "bad_request");
    assertError(user.get("/v1/jobs/" + id + "/results?after=1e3"), 400, "bad_request");
    assertThat(user.get("/v1/jobs/" + id + "/results?format=csv&after=0").status()).isEqualTo(200);
    assertThat(user.get("/v1/jobs/" + id + "/results?format=ndjson").ndjson()).hasSize(1);
  }

  private static String userKey() {
    // The careless user's key is only inside its client: make a second user for raw requests
    if (rawKey == null) {
      rawKey = node.admin().postJson("/v1/users", new JsonObject().put("name", "raw")).json().getString("key");
    }
    return rawKey;
  }

  private static String rawKey;

  private static long jobCount() throws Exception {
    try (Connection conn = TestDatabase.connect(node.databaseUrl()); Statement st = conn.createStatement();
        ResultSet rows = st.executeQuery("select count(*) from jobs")) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
