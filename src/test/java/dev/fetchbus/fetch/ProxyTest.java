package dev.fetchbus.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.StubDns;
import dev.fetchbus.support.TestNode;
import dev.fetchbus.support.TestProxy;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Jobs through an HTTP and a SOCKS5 proxy started here on 127.0.0.1, with and without their
 * credentials; the network guard still judging the target; and the operator's allow-list of proxies.
 * Names resolve through {@link StubDns}; every target is on loopback or refused before any packet.
 */
@DisplayName("Proxies")
class ProxyTest {
  private static final Vertx vertx = Vertx.vertx();
  private static final SelfSignedCertificate CERT = SelfSignedCertificate.create("tls.fetchbus.test");
  private static final List<String> seen = new CopyOnWriteArrayList<>();
  /** "host path | User-Agent | X-Api-Key" of each request an origin got. */
  private static final List<String> heard = new CopyOnWriteArrayList<>();
  private static TestNode node;
  private static ApiClient user;
  private static int plainPort;
  private static int tlsPort;

  @BeforeAll
  static void start() {
    node = TestNode.start(new JsonObject().put("fetch", new JsonObject()
        .put("allowProxies", "127.0.0.1/32").put("trustStore", CERT.certificatePath())));
    HostResolver.useLookup(node.vertx(), new StubDns()
        .answer("site.fetchbus.test", "127.0.0.1")
        .answer("tls.fetchbus.test", "127.0.0.1")
        .answer("private.fetchbus.test", "192.168.7.7"));
    user = node.newUser("proxied");
    plainPort = listen(new HttpServerOptions()).actualPort();
    tlsPort = listen(new HttpServerOptions().setSsl(true).setUseAlpn(true)
        .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1)).setKeyCertOptions(CERT.keyCertOptions()))
        .actualPort();
  }

  @AfterAll
  static void stop() {
    node.close();
    TestNode.await(vertx.close());
  }

  /** An origin that records "host path" of each request and answers a small page. */
  private static HttpServer listen(HttpServerOptions options) {
    return TestNode.await(vertx.createHttpServer(options.setHost("127.0.0.1").setPort(0))
        .requestHandler(req -> {
          seen.add(req.authority() + " " + req.path());
          heard.add(req.authority() + " " + req.path() + " | " + req.getHeader("User-Agent") + " | "
              + req.getHeader("X-Api-Key"));
          if (req.path().equals("/robots.txt")) {
            req.response().putHeader("Content-Type", "text/plain").end("User-agent: *\nAllow: /\n");
          } else {
            req.response().putHeader("Content-Type", "text/html").end("<title>page " + req.path() + "</title>");
          }
        }).listen());
  }

  private static List<String> pages(String tag) {
    return List.of("http://site.fetchbus.test:" + plainPort + "/" + tag,
        "https://tls.fetchbus.test:" + tlsPort + "/" + tag);
  }

  private static Map<String, JsonObject> run(List<String> urls, String proxy) {
    long id = user.submitJson(new JsonArray(urls), new JsonObject().put("proxy", proxy)).getLong("id");
    user.awaitState(id, "done", Duration.ofSeconds(60));
    List<JsonObject> records = user.get("/v1/jobs/" + id + "/results?fields=headers").ndjson();
    assertThat(records).hasSize(urls.size());
    return records.stream().collect(Collectors.toMap(r -> r.getString("url"), Function.identity()));
  }

  @Test
  @DisplayName(
      "an HTTP proxy with credentials: pages and robots.txt go through it, by IP, with the name in Host and SNI")
  void httpProxy() {
    try (TestProxy proxy = TestProxy.http("alice", "s3cret")) {
      List<String> urls = pages("via-http");
      long id = user.submitJson(new JsonArray(urls), new JsonObject().put("proxy", proxy.url("alice", "s3cret")))
          .getLong("id");
      user.awaitState(id, "done", Duration.ofSeconds(60));
      String results = user.get("/v1/jobs/" + id + "/results?fields=headers").body();
      for (JsonObject record : user.get("/v1/jobs/" + id + "/results").ndjson()) {
        assertThat(record.getJsonObject("error")).as("record %s", record).isNull();
        assertThat(record.getInteger("status")).isEqualTo(200);
      }
      assertThat(proxy.requests()).contains(
          "GET http://127.0.0.1:" + plainPort + "/robots.txt",
          "GET http://127.0.0.1:" + plainPort + "/via-http",
          "CONNECT 127.0.0.1:" + tlsPort);
      assertThat(proxy.requests()).as("the proxy is never given a name to resolve")
          .noneMatch(r -> r.contains("fetchbus.test"));
      assertThat(seen)
          .contains("site.fetchbus.test:" + plainPort + " /via-http", "tls.fetchbus.test:" + tlsPort + " /via-http");
      JsonObject job = user.get("/v1/jobs/" + id).json();
      assertThat(job.getJsonObject("options").getString("proxy"))
          .isEqualTo("http://alice:****@127.0.0.1:" + proxy.port());
      assertThat(user.get("/v1/jobs/" + id).body() + results).as("the password is never shown").doesNotContain("s3cret")
          .doesNotContainIgnoringCase("proxy-authorization");
    }
  }

  @Test
  @DisplayName("an HTTP proxy answering 407 without credentials, or with wrong ones: the record's error type is proxy")
  void httpProxyRefuses() {
    try (TestProxy proxy = TestProxy.http("alice", "s3cret")) {
      Map<String, JsonObject> none = run(pages("no-credentials"), proxy.url(null, null));
      Map<String, JsonObject> wrong = run(pages("wrong-credentials"), proxy.url("alice", "guess"));
      for (JsonObject record : List.of(none.values(), wrong.values()).stream().flatMap(c -> c.stream()).toList()) {
        assertThat(record.getJsonObject("error")).as("record %s", record).isNotNull();
        assertThat(record.getJsonObject("error").getString("code")).as("record %s", record).isEqualTo("proxy");
        assertThat(record.getJsonObject("error").getString("message")).contains("407").doesNotContain("guess");
        assertThat(record.getInteger("attempts")).as("a refusal is not retried").isEqualTo(1);
      }
      assertThat(seen).noneMatch(s -> s.endsWith("credentials"));
    }
  }

  @Test
  @DisplayName(
      "a SOCKS5 proxy with a login: pages go through it by IP address; without the login the error type is proxy")
  void socks5Proxy() {
    try (TestProxy proxy = TestProxy.socks5("bob", "pa55")) {
      Map<String, JsonObject> ok = run(pages("via-socks"), proxy.url("bob", "pa55"));
      ok.values().forEach(r -> assertThat(r.getJsonObject("error")).as("record %s", r).isNull());
      assertThat(proxy.requests()).contains("SOCKS5 ipv4 127.0.0.1:" + plainPort, "SOCKS5 ipv4 127.0.0.1:" + tlsPort)
          .noneMatch(r -> r.contains("name"));
      assertThat(seen)
          .contains("site.fetchbus.test:" + plainPort + " /via-socks", "tls.fetchbus.test:" + tlsPort + " /via-socks");

      int before = proxy.requests().size();
      Map<String, JsonObject> wrong = run(pages("socks-wrong"), proxy.url("bob", "nope"));
      Map<String, JsonObject> none = run(pages("socks-none"), proxy.url(null, null));
      for (JsonObject record : List.of(wrong.values(), none.values()).stream().flatMap(c -> c.stream()).toList()) {
        assertThat(record.getJsonObject("error")).as("record %s", record).isNotNull();
        assertThat(record.getJsonObject("error").getString("code")).as("record %s", record).isEqualTo("proxy");
      }
      assertThat(proxy.requests().subList(before, proxy.requests().size()))
          .contains("SOCKS5 bad credentials", "SOCKS5 no acceptable method");
      assertThat(seen).noneMatch(s -> s.contains("/socks-"));
    }
  }

  @Test
  @DisplayName("a proxy that cannot be reached: retried, then recorded as proxy, naming the proxy")
  void unreachableProxy() {
    String closed = "http://127.0.0.1:" + TestNode.freePort();
    for (JsonObject record : run(pages("unreachable"), closed).values()) {
      assertThat(record.getJsonObject("error")).as("record %s", record).isNotNull();
      assertThat(record.getJsonObject("error").getString("code")).as("record %s", record).isEqualTo("proxy");
      assertThat(record.getJsonObject("error").getString("message")).contains("unreachable (refused)");
      assertThat(record.getInteger("attempts")).as("retried like refused").isEqualTo(3);
    }
    assertThat(seen).noneMatch(s -> s.endsWith("/unreachable"));
  }

  @Test
  @DisplayName("a proxied request to a private target is blocked before anything reaches the proxy")
  void privateTargetBlocked() {
    try (TestProxy http = TestProxy.http(null, null); TestProxy socks = TestProxy.socks5(null, null)) {
      List<String> urls =
          List.of("http://10.0.0.1/secret", "https://10.0.0.1/secret", "http://private.fetchbus.test/secret");
      for (TestProxy proxy : List.of(http, socks)) {
        run(urls, proxy.url(null, null)).values().forEach(record -> {
          assertThat(record.getJsonObject("error")).as("record %s", record).isNotNull();
          assertThat(record.getJsonObject("error").getString("code")).as("record %s", record).isEqualTo("blocked");
        });
        assertThat(proxy.connections()).as("connections to the proxy").isZero();
      }
    }
  }

  @Test
  @DisplayName("a job proxy outside fetch.allowProxies, or not a proxy URL, is refused with 422")
  void refusedProxies() {
    Map<String, String> refused = Map.of(
        "http://127.0.0.2:3128", "fetch.allowProxies",
        "ftp://127.0.0.1:21", "socks5://",
        "http://127.0.0.1", "port",
        "socks5://127.0.0.1:70000", "port",
        "http://127.0.0.1:3128/path", "without a path");
    refused.forEach((proxy, reason) -> {
      ApiClient.Response r =
          user.postJson("/v1/jobs", new JsonObject().put("urls", new JsonArray().add("http://site.fetchbus.test/"))
          .put("options", new JsonObject().put("proxy", proxy)));
      assertThat(r.status()).as("%s: %s", proxy, r.body()).isEqualTo(422);
      assertThat(r.body()).as(proxy).contains(reason);
    });
  }

  @Test
  @DisplayName(
      "a job's user agent and host-scoped headers go through its proxy, robots.txt "
          + "is read with that agent through it, and views mask both secrets")
  void requestOptionsThroughProxy() {
    try (TestProxy proxy = TestProxy.http("carol", "pr0xy-pw")) {
      List<String> urls = pages("with-options");
      JsonObject options = new JsonObject().put("proxy", proxy.url("carol", "pr0xy-pw"))
          .put("userAgent", "combobot/1.0 (+https://example.com/bot)")
          .put("headers", new JsonArray().add(new JsonObject().put("host", "site.fetchbus.test")
              .put("headers", new JsonObject().put("X-Api-Key", "k-only-for-site"))))
          .put("auth", new JsonArray().add(new JsonObject().put("host", "tls.fetchbus.test").put("type", "bearer")
              .put("token", "tok-for-tls")))
          .put("cookies", new JsonArray().add(new JsonObject().put("name", "sid").put("value", "cookie-for-site")
              .put("domain", "site.fetchbus.test")));
      long id = user.submitJson(new JsonArray(urls), options).getLong("id");
      user.awaitState(id, "done", Duration.ofSeconds(60));
      List<JsonObject> records = user.get("/v1/jobs/" + id + "/results?fields=headers").ndjson();
      assertThat(records).hasSize(2).allSatisfy(r -> assertThat(r.getJsonObject("error")).as("%s", r).isNull());

      String agent = "combobot/1.0 (+https://example.com/bot)";
      assertThat(proxy.requests()).contains("GET http://127.0.0.1:" + plainPort + "/robots.txt",
          "GET http://127.0.0.1:" + plainPort + "/with-options", "CONNECT 127.0.0.1:" + tlsPort);
      assertThat(heard).contains(
          "site.fetchbus.test:" + plainPort + " /robots.txt | " + agent + " | null",
          "site.fetchbus.test:" + plainPort + " /with-options | " + agent + " | k-only-for-site",
          "tls.fetchbus.test:" + tlsPort + " /robots.txt | " + agent + " | null",
          "tls.fetchbus.test:" + tlsPort + " /with-options | " + agent + " | null");

      String shown = user.get("/v1/jobs/" + id).body();
      JsonObject jobOptions = new JsonObject(shown).getJsonObject("options");
      assertThat(jobOptions.getString("proxy")).isEqualTo("http://carol:****@127.0.0.1:" + proxy.port());
      assertThat(jobOptions.getString("userAgent")).isEqualTo(agent);
      String all = shown + records;
      assertThat(all).as("GET /v1/jobs/{id} and the records' request headers mask every secret")
          .doesNotContain("pr0xy-pw", "k-only-for-site", "tok-for-tls", "cookie-for-site")
          .doesNotContainIgnoringCase("proxy-authorization");
      assertThat(jobOptions.getJsonArray("auth").getJsonObject(0).getString("token")).isEqualTo("****");
      assertThat(jobOptions.getJsonArray("cookies").getJsonObject(0).getString("value")).isEqualTo("****");
    }
  }
}
