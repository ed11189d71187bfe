package dev.fetchbus.api;

import static dev.fetchbus.api.TestHttp.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.HeaderOrigin;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A job's user agent, headers and credentials reach the hosts they are for, and only those")
class JobRequestsTest {
  private static TestNode node;
  private static ApiClient user;
  private static HeaderOrigin a;
  private static HeaderOrigin b;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    user = node.newUser("requests");
    a = new HeaderOrigin("127.0.0.1");
    b = new HeaderOrigin("127.0.0.2");
  }

  @AfterAll
  static void stop() {
    node.close();
    a.close();
    b.close();
  }

  private static long run(JsonArray urls, JsonObject options) {
    long id = user.submitJson(urls, options).getLong("id");
    user.awaitState(id, "done", Duration.ofMinutes(2));
    return id;
  }

  @Test
  @DisplayName("the job's user agent and headers are what the origin receives; the record keeps them")
  void userAgentAndHeaders() {
    String agent = "acmebot/2.0 (+https://example.com/acmebot)";
    long id = run(new JsonArray().add(a.url("/ua")), new JsonObject().put("userAgent", agent)
        .put("headers", new JsonObject().put("X-Trace", "abc-123").put("Accept", "text/plain")));

    HeaderOrigin.Seen seen = a.seen("/ua").get(0);
    assertThat(seen.header("User-Agent")).isEqualTo(agent);
    assertThat(seen.header("X-Trace")).isEqualTo("abc-123");
    assertThat(seen.headers().getAll("Accept")).as("the job's Accept replaces the default")
        .containsExactly("text/plain");
    JsonArray sent = requestHeaders(id, "/ua");
    assertThat(sent).contains(new JsonArray().add("X-Trace").add("abc-123"));
  }

  @Test
  @DisplayName("a job without a user agent sends the node's, which names a contact URL")
  void nodeUserAgent() {
    run(new JsonArray().add(a.url("/plain")), new JsonObject());
    assertThat(a.seen("/plain").get(0).header("User-Agent")).startsWith("fetchbus/").contains("(+http");
  }

  @Test
  @DisplayName("host-scoped headers and credentials go to their host only, not to another host nor across a redirect")
  void hostScoped() {
    a.on("/hop", req -> req.response().setStatusCode(302).putHeader("Location", b.url("/landed")).end());
    JsonObject options = new JsonObject()
        .put("headers", new JsonArray().add(new JsonObject().put("host", "127.0.0.1")
            .put("headers", new JsonObject().put("X-Api-Key", "k-secret"))))
        .put("auth", new JsonArray().add(new JsonObject().put("host", "127.0.0.1").put("type", "bearer")
            .put("token", "t0ken")));
    long id = run(new JsonArray().add(a.url("/scoped")).add(b.url("/scoped")).add(a.url("/hop")), options);

    for (HeaderOrigin.Seen own : List.of(a.seen("/scoped").get(0), a.seen("/hop").get(0))) {
      assertThat(own.header("X-Api-Key")).isEqualTo("k-secret");
      assertThat(own.header("Authorization")).isEqualTo("Bearer t0ken");
    }
    for (HeaderOrigin.Seen other : List.of(b.seen("/scoped").get(0), b.seen("/landed").get(0))) {
      assertThat(other.headers().names()).as("headers at %s", other.path())
          .doesNotContain("X-Api-Key", "x-api-key", "Authorization", "authorization");
    }
    assertThat(requestHeaders(id, "/scoped")).as("the record keeps credentials masked")
        .contains(new JsonArray().add("Authorization").add("****"), new JsonArray().add("X-Api-Key").add("****"))
        .doesNotContain(new JsonArray().add("Authorization").add("Bearer t0ken"));
  }

  @Test
  @DisplayName("Basic credentials are sent to their host")
  void basicAuth() {
    run(new JsonArray().add(a.url("/basic")), new JsonObject().put("auth", new JsonArray().add(new JsonObject()
        .put("host", "127.0.0.1").put("type", "basic").put("username", "ann").put("password", "p:w"))));
    assertThat(a.seen("/basic").get(0).header("Authorization")).isEqualTo("Basic YW5uOnA6dw==");
  }

  @Test
  @DisplayName("robots.txt is read for the job's agent token, and verdicts are not shared between agents")
  void robotsFollowTheJobsAgent() {
    try (HeaderOrigin c = new HeaderOrigin("127.0.0.3")) {
      c.on("/robots.txt", req -> req.response().putHeader("Content-Type", "text/plain")
          .end("User-agent: acmebot\nDisallow: /\n\nUser-agent: *\nAllow: /\n"));
      long plain = run(new JsonArray().add(c.url("/r1")), new JsonObject());
      long acme = run(new JsonArray().add(c.url("/r2")), new JsonObject().put("userAgent", "AcmeBot/1.0"));

      assertThat(error(plain)).as("the node's agent may fetch").isNull();
      assertThat(error(acme)).as("acmebot is disallowed").isEqualTo("robots");
      assertThat(c.seen("/r2")).isEmpty();
      assertThat(c.seen("/robots.txt")).extracting(s -> s.header("User-Agent"))
          .as("robots.txt asked for once per agent, with that agent").hasSize(2).contains("AcmeBot/1.0");
    }
  }

  @Test
  @DisplayName("a job with its own agent on a new host: robots.txt is asked for once, with that agent only")
  void robotsAskedWithTheJobsAgent() {
    try (HeaderOrigin d = new HeaderOrigin("127.0.0.4")) {
      long id = run(new JsonArray().add(d.url("/x")), new JsonObject().put("userAgent", "quietbot/1.0"));
      assertThat(error(id)).isNull();
      assertThat(d.seen("/robots.txt")).extracting(s -> s.header("User-Agent")).containsExactly("quietbot/1.0");
    }
  }

  @Test
  @DisplayName("GET /v1/jobs/{id} masks credentials, cookie values and secret-like headers")
  void masked() {
    JsonObject options = new JsonObject()
        .put("headers", new JsonObject().put("X-Session-Token", "s3").put("Cookie", "a=b").put("X-Plain", "shown"))
        .put("auth", new JsonArray().add(new JsonObject().put("host", "intranet.example").put("type", "basic")
            .put("username", "ann").put("password", "hunter2")))
        .put("cookies", new JsonArray().add(new JsonObject().put("name", "sid").put("value", "v42")
            .put("domain", "intranet.example")));
    long id = user.submitJson(new JsonArray().add(a.url("/masked")), options).getLong("id");
    String body = user.get("/v1/jobs/" + id).body();
    assertThat(body).doesNotContain("s3\"", "hunter2", "v42", "a=b").contains("shown", "ann", "****");
    user.awaitState(id, "done", Duration.ofMinutes(2));
  }

  @Test
  @DisplayName("each refused header, user agent, auth or cookie shape is 422, naming the option")
  void refused() {
    Map<String, Object> bad = new LinkedHashMap<>();
    for (String name : List.of("Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive",
        "Proxy-Authorization", "TE", "Trailer", "Upgrade", "Bad Name", "X-A:b")) {
      bad.put("header " + name, new JsonObject().put("headers", new JsonObject().put(name, "x")));
    }
    bad.put("CR LF in a value", new JsonObject().put("headers", new JsonObject().put("X-A", "a\r\nHost: evil")));
    bad.put("a number as value", new JsonObject().put("headers", new JsonObject().put("X-A", 1)));
    bad.put("headers a string", new JsonObject().put("headers", "X-A: b"));
    bad.put("a host entry without host", new JsonObject().put("headers", new JsonArray().add(new JsonObject()
        .put("headers", new JsonObject()))));
    bad.put("a host with a port", new JsonObject().put("headers", new JsonArray().add(new JsonObject()
        .put("host", "a.example:8080").put("headers", new JsonObject()))));
    bad.put("a wildcard host", new JsonObject().put("auth", new JsonArray().add(new JsonObject()
        .put("host", "*.example").put("type", "bearer").put("token", "t"))));
    bad.put("too many headers", new JsonObject().put("headers", many(33)));
    bad.put("user agent with LF", new JsonObject().put("userAgent", "bot/1\nX: y"));
    bad.put("user agent too long", new JsonObject().put("userAgent", "bot/" + "1".repeat(300)));
    bad.put("user agent not a string", new JsonObject().put("userAgent", 7));
    bad.put("auth of unknown type", new JsonObject().put("auth", new JsonArray().add(new JsonObject()
        .put("host", "a.example").put("type", "digest"))));
    bad.put("basic without password", new JsonObject().put("auth", new JsonArray().add(new JsonObject()
        .put("host", "a.example").put("type", "basic").put("username", "u"))));
    bad.put("bearer with a space", new JsonObject().put("auth", new JsonArray().add(new JsonObject()
        .put("host", "a.example").put("type", "bearer").put("token", "a b"))));
    bad.put("cookies a string", new JsonObject().put("cookies", "sid=1"));
    bad.put("cookie with ; in value", new JsonObject().put("cookies", new JsonArray().add(new JsonObject()
        .put("name", "sid").put("value", "a;b").put("domain", "a.example"))));
    bad.put("cookie without domain", new JsonObject().put("cookies", new JsonArray().add(new JsonObject()
        .put("name", "sid").put("value", "1"))));
    for (Map.Entry<String, Object> c : bad.entrySet()) {
      JsonObject request =
          new JsonObject().put("urls", new JsonArray().add(a.url("/never"))).put("options", c.getValue());
      JsonObject error = assertError(user.postJson("/v1/jobs", request), 422, "invalid");
      assertThat(error.getString("message")).as(c.getKey()).containsAnyOf("'headers", "'userAgent'", "'auth'",
          "'cookies'", "'headers'");
    }
    assertThat(a.seen("/never")).isEmpty();
  }

  private static JsonObject many(int n) {
    JsonObject headers = new JsonObject();
    for (int i = 0; i < n; i++) {
      headers.put("X-H" + i, "v");
    }
    return headers;
  }

  private static String error(long jobId) {
    JsonObject record = user.get("/v1/jobs/" + jobId + "/results").ndjson().get(0);
    return record.getValue("error") == null ? null : record.getJsonObject("error").getString("code");
  }

  private static JsonArray requestHeaders(long jobId, String path) {
    return user.get("/v1/jobs/" + jobId + "/results?fields=headers").ndjson().stream()
        .filter(r -> r.getString("url").endsWith(path)).findFirst().orElseThrow()
        .getJsonObject("headers").getJsonArray("request");
  }
}
