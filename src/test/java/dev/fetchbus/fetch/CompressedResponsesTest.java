package dev.fetchbus.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.config.Settings;
import dev.fetchbus.content.BodyBudget;
import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.Coded;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A site that answers in gzip and deflate, as most servers do when asked (nginx's {@code gzip on}):
 * the node asks for them, receives the coded bytes and decodes them off the event loop, and what it
 * keeps, extracts and follows is the decoded page.
 */
@DisplayName("Compressed responses: asked for, decoded on the CPU pool, kept decoded")
class CompressedResponsesTest {
  private static final Vertx origin = Vertx.vertx();
  private static final Map<String, String> PAGES = Map.of(
      "/", page("Home", "/a", "/b", "/c", "/bad", "/private/x"),
      "/a", page("A", "/d"),
      "/b", page("B"),
      "/c", page("C"),
      "/d", page("D"),
      "/bad", page("Bad"),
      "/private/x", page("Private"));
  private static final Set<String> acceptEncodings = ConcurrentHashMap.newKeySet();
  private static HttpServer server;
  private static TestNode node;

  private static String page(String title, String... links) {
    StringBuilder html = new StringBuilder("<html><head><title>" + title + "</title></head><body>");
    for (String link : links) {
      html.append("<a href=\"").append(link).append("\">").append(link).append("</a> ");
    }
    // enough text that the coded body is much smaller than the page
    return html.append("<p>").append("words ".repeat(2000)).append("</p></body></html>").toString();
  }

  @BeforeAll
  static void start() {
    server = TestNode.await(origin.createHttpServer().requestHandler(CompressedResponsesTest::answer)
        .listen(0, "127.0.0.1"));
    node = TestNode.start(new JsonObject().put("fetch", new JsonObject().put("allowNetworks", "127.0.0.0/8")));
  }

  @AfterAll
  static void stop() {
    node.close();
    TestNode.await(origin.close());
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  /** Codes only for a client that asks, like a real server; /b raw deflate, /c zlib deflate, /d plain, /bad lies. */
  private static void answer(HttpServerRequest req) {
    String asked = req.getHeader("Accept-Encoding");
    acceptEncodings.add(asked == null ? "" : asked);
    boolean gzipOk = asked != null && asked.contains("gzip");
    String path = req.path();
    if (path.equals("/robots.txt")) {
      send(req, "text/plain", "User-agent: *\nDisallow: /private/\n", gzipOk ? "gzip" : null);
      return;
    }
    String body = PAGES.get(path);
    if (body == null) {
      req.response().setStatusCode(404).end();
      return;
    }
    String coding = !gzipOk || path.equals("/d") ? null
        : switch (path) {
          case "/b" -> "deflate-raw";
          case "/c" -> "deflate";
          case "/bad" -> "lie";
          default -> "gzip";
        };
    send(req, "text/html", body, coding);
  }

  private static void send(HttpServerRequest req, String type, String body, String coding) {
    byte[] plain = body.getBytes(StandardCharsets.UTF_8);
    req.response().putHeader("Content-Type", type);
    if (coding == null) {
      req.response().end(Buffer.buffer(plain));
      return;
    }
    byte[] wire = switch (coding) {
      case "gzip" -> Coded.gzip(plain);
      case "deflate" -> Coded.deflate(plain, true);
      case "deflate-raw" -> Coded.deflate(plain, false);
      default -> plain; // says gzip, sends the page as it is
    };
    req.response().putHeader("Content-Encoding", coding.startsWith("deflate") ? "deflate" : "gzip")
        .end(Buffer.buffer(wire));
  }



  @Test
  @DisplayName("a crawl of a gzip and deflate site finds every link, obeys a gzip robots.txt, keeps decoded bodies")
  void crawlOfCompressedSite() {
    ApiClient user = node.newUser("gzip-crawler");
    JsonObject request = new JsonObject().put("kind", "crawl").put("seeds", new JsonArray().add(url("/")))
        .put("options", new JsonObject().put("hostConcurrency", 4));
    long id = user.postJson("/v1/jobs", request).json().getLong("id");
    user.awaitState(id, "done", Duration.ofMinutes(2));

    Map<String, JsonObject> records = new HashMap<>();
    user.get("/v1/jobs/" + id + "/results").ndjson().forEach(r -> records.put(r.getString("url"), r));
    assertThat(records).containsOnlyKeys(url("/"), url("/a"), url("/b"), url("/c"), url("/d"), url("/bad"),
        url("/private/x"));
    assertThat(code(records.get(url("/private/x")))).as("disallowed by the gzip robots.txt").isEqualTo("robots");
    assertThat(code(records.get(url("/bad")))).as("a body that is not the gzip it claims").isEqualTo("protocol");
    for (String path : List.of("/", "/a", "/b", "/c", "/d")) {
      JsonObject record = records.get(url(path));
      byte[] plain = PAGES.get(path).getBytes(StandardCharsets.UTF_8);
      assertThat(code(record)).as(path).isNull();
      assertThat(record.getString("title")).as(path).isEqualTo(title(path));
      assertThat(record.getLong("bytes")).as("%s: the decoded length", path).isEqualTo(plain.length);
      ApiClient.Bytes body = user.getBytes("/v1/jobs/" + id + "/pages/" + record.getLong("cursor") + "/body");
      assertThat(body.body()).as("%s: the stored body is the page, decoded", path).isEqualTo(plain);
    }
    JsonObject home = user.get("/v1/jobs/" + id + "/pages/" + records.get(url("/")).getLong("cursor")).json();
    assertThat(home.getJsonObject("headers").getJsonArray("response"))
        .as("the response headers are kept as received").contains(new JsonArray().add("Content-Encoding").add("gzip"));
    assertThat(acceptEncodings).containsOnly("gzip, deflate");
  }

  @Test
  @DisplayName("the HTTP client hands the body over as coded on the wire: no inflating on the event loop")
  void clientLeavesDecodingToTheCpuPool() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Settings settings = Settings.load(new JsonObject()
          .put("fetch", new JsonObject().put("allowNetworks", "127.0.0.0/8")), Map.of());
      HttpFetcher fetcher = new HttpFetcher(vertx, SharedHttpClient.create(vertx, settings.fetch()),
          new NetworkGuard(settings.fetch().allowNetworks()), new HostResolver(vertx), settings.fetch(),
          new BodyBudget(settings.fetch().maxBufferedBytes()));
      Download wire = TestNode.await(fetcher.download(url("/a"), 10_000, 1 << 20, Future::succeededFuture));
      assertThat(wire.coding()).isEqualTo(ContentCoding.GZIP);
      assertThat(wire.body()).startsWith((byte) 0x1f, (byte) 0x8b);
      assertThat(wire.body().length).isLessThan(PAGES.get("/a").length() / 10);
      assertThat(wire.decoded().body()).isEqualTo(PAGES.get("/a").getBytes(StandardCharsets.UTF_8));
      assertThat(wire.decoded().coding()).isNull();
    } finally {
      TestNode.await(vertx.close());
    }
  }

  private static String title(String path) {
    String html = PAGES.get(path);
    return html.substring(html.indexOf("<title>") + "<title>".length(), html.indexOf("</title>"));
  }

  private static String code(JsonObject record) {
    return record.getJsonObject("error") == null ? null : record.getJsonObject("error").getString("code");
  }
}
