package dev.fetchbus.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("GET /v1/fetch: one page now, through a single-flight cache")
class SyncFetchTest {
  private static final Vertx originVertx = Vertx.vertx();
  private static final Map<String, AtomicInteger> full = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> notModified = new ConcurrentHashMap<>();
  private static HttpServer origin;
  private static TestNode node;
  private static ApiClient user;
  private static String key;

  /** Pages answer after 300 ms with an ETag, and 304 to a matching If-None-Match. */
  @BeforeAll
  static void start() {
    origin = TestNode.await(originVertx.createHttpServer().requestHandler(req -> {
      if (req.path().equals("/robots.txt")) {
        req.response().setStatusCode(404).end();
        return;
      }
      String etag = "\"" + req.path().hashCode() + "\"";
      if (etag.equals(req.getHeader("If-None-Match"))) {
        notModified.computeIfAbsent(req.path(), p -> new AtomicInteger()).incrementAndGet();
        req.response().setStatusCode(304).end();
        return;
      }
      full.computeIfAbsent(req.path(), p -> new AtomicInteger()).incrementAndGet();
      originVertx.setTimer(300, id -> req.response().putHeader("Content-Type", "text/html").putHeader("ETag", etag)
          .end("<html><head><title>" + req.path() + "</title></head></html>"));
    }).listen(0, "127.0.0.1"));
    node = TestNode.start();
    key = node.admin().postJson("/v1/users", new JsonObject().put("name", "syncer")).json().getString("key");
    user = node.withKey(key);
  }

  @AfterAll
  static void stop() {
    node.close();
    TestNode.await(originVertx.close());
  }

  private static String page(String path) {
    return "http://127.0.0.1:" + origin.actualPort() + path;
  }

  private static String fetchPath(String url, String extra) {
    return "/v1/fetch?url=" + URLEncoder.encode(url, StandardCharsets.UTF_8) + (extra == null ? "" : "&" + extra);
  }

  @Test
  @DisplayName("1,000 concurrent asks for one uncached URL cause exactly one origin request")
  void singleFlight() {
    String url = page("/one");
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + fetchPath(url, null)))
        .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(60)).build();
    List<CompletableFuture<HttpResponse<String>>> asks = IntStream.range(0, 1000)
        .mapToObj(i -> http.sendAsync(request, HttpResponse.BodyHandlers.ofString())).toList();
    List<JsonObject> answers = asks.stream().map(CompletableFuture::join).peek(r -> assertThat(r.statusCode())
        .as(r.body()).isEqualTo(200)).map(r -> new JsonObject(r.body())).toList();

    assertThat(full.get("/one").get()).as("origin requests for the page").isEqualTo(1);
    Map<String, Long> byCache = answers.stream().collect(Collectors.groupingBy(a -> a.getString("cache"),
        Collectors.counting()));
    assertThat(byCache.get("miss")).isEqualTo(1);
    assertThat(byCache.keySet()).isSubsetOf("miss", "coalesced", "hit");
    assertThat(answers).allSatisfy(a -> {
      assertThat(a.getInteger("status")).isEqualTo(200);
      assertThat(a.getString("title")).isEqualTo("/one");
    });
  }

  @Test
  @DisplayName("a cached page is a hit; maxAge=0 revalidates it with its ETag; a new page is a miss")
  void maxAgeAndRevalidation() {
    String url = page("/two");
    JsonObject first = user.get(fetchPath(url, null)).json();
    assertThat(first.getString("cache")).isEqualTo("miss");
    JsonObject second = user.get(fetchPath(url, "maxAge=60")).json();
    assertThat(second.getString("cache")).isEqualTo("hit");
    assertThat(second.getString("contentHash")).isEqualTo(first.getString("contentHash"));

    JsonObject fresh = user.get(fetchPath(url, "maxAge=0")).json();
    assertThat(fresh.getString("cache")).isEqualTo("revalidated");
    assertThat(fresh.getString("contentHash")).isEqualTo(first.getString("contentHash"));
    assertThat(full.get("/two").get()).isEqualTo(1);
    assertThat(notModified.get("/two").get()).isEqualTo(1);
  }

  @Test
  @DisplayName("a bad URL is 422, a bad maxAge is 422, and the route needs a key")
  void badInput() {
    assertThat(user.get("/v1/fetch?url=ftp%3A%2F%2Fx").status()).isEqualTo(422);
    assertThat(user.get("/v1/fetch").status()).isEqualTo(422);
    assertThat(user.get(fetchPath(page("/three"), "maxAge=soon")).status()).isEqualTo(422);
    assertThat(node.anonymous().get(fetchPath(page("/three"), null)).status()).isEqualTo(401);
  }

  @Test
  @DisplayName("a fetch failure is answered as a record with its taxonomy code")
  void failureIsARecord() {
    int closedPort = TestNode.freePort();
    JsonObject answer = user.get(fetchPath("http://127.0.0.1:" + closedPort + "/x", null)).json();
    assertThat(answer.getJsonObject("error").getString("code")).isEqualTo("refused");
  }

  @Test
  @DisplayName("body=true answers with the page itself, from the same single-flight cache")
  void bodyTrue() {
    String url = page("/with-body");
    ApiClient.Bytes page = user.getBytes(fetchPath(url, "body=true"));
    assertThat(page.status()).isEqualTo(200);
    assertThat(new String(page.body(), StandardCharsets.UTF_8))
        .isEqualTo("<html><head><title>/with-body</title></head></html>");
    assertThat(page.header("Content-Type")).isEqualTo("text/html");
    assertThat(page.header("X-Fetchbus-Status")).isEqualTo("200");
    assertThat(page.header("X-Fetchbus-Cache")).isEqualTo("miss");
    ApiClient.Bytes again = user.getBytes(fetchPath(url, "body=true"));
    assertThat(again.body()).isEqualTo(page.body());
    assertThat(again.header("X-Fetchbus-Cache")).isEqualTo("hit");
    assertThat(full.get("/with-body").get()).isEqualTo(1);
    JsonObject record = user.get(fetchPath(url, null)).json();
    assertThat(record.containsKey("body")).as("the JSON record carries no body").isFalse();
    ApiClient.Response refused = user.get(fetchPath("http://127.0.0.1:1/closed", "body=true"));
    assertThat(refused.status()).isEqualTo(502);
    assertThat(refused.json().getString("error")).isEqualTo("upstream");
  }

  @Test
  @DisplayName("a URL with an IPv6 zone identifier is refused at once with 422, not fetched")
  void zoneIdRefused() {
    ApiClient.Response refused =
        user.get("/v1/fetch?url=" + URLEncoder.encode("http://[fe80::1%25lo]/", StandardCharsets.UTF_8));
    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.json().getString("error")).isEqualTo("invalid");
    assertThat(refused.json().getString("message")).contains("zone identifier");
  }
}
