package dev.fetchbus.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.fetch.HostResolver;
import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.HeaderOrigin;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestNode;
import dev.fetchbus.support.TestProxy;
import dev.fetchbus.support.Tools;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code render: chromium} with Debian's Chromium, against origins on loopback. Only 127.0.0.1 is
 * allowed ({@code fetch.allowNetworks}); the "internal" server on 127.0.0.2 stands for a private
 * address a page must not make the browser reach.
 */
@DisplayName("Rendering: links made by JavaScript are found, and the browser reaches no blocked address")
class RenderingTest {
  /** A page whose only links are written by its script, after the load event and a fetch. */
  private static final String SCRIPTED = "<html><head><title>app</title></head><body><div id=app></div><script>"
      + "window.addEventListener('load', () => fetch('data.json').then(r => r.json()).then(paths => {"
      + "  for (const p of paths) { const a = document.createElement('a'); a.href = p; a.textContent = p;"
      + "  document.getElementById('app').appendChild(a); } }));</script></body></html>";
  private static TestNode node;
  private static ApiClient user;
  private static HeaderOrigin origin;
  private static HeaderOrigin internal;

  @BeforeAll
  static void start() {
    Optional<Path> chromium = Tools.wanted("chromium");
    Assumptions.assumeTrue(chromium.isPresent(),
        "Chromium is not installed (Debian package chromium; scripts/test-tools installs it): rendering tests skipped");
    node = TestNode.start(new JsonObject()
        .put("fetch", new JsonObject().put("allowNetworks", "127.0.0.1/32").put("maxAttempts", 1)
            .put("allowProxies", "127.0.0.1/32"))
        .put("render", new JsonObject().put("chromium", chromium.get().toString()).put("timeoutMs", 20_000)));
    user = node.newUser("render");
    origin = new HeaderOrigin("127.0.0.1");
    internal = new HeaderOrigin("127.0.0.2");
    for (String dir : List.of("/js/", "/plain/")) {
      origin.on(dir + "app", req -> req.response().putHeader("Content-Type", "text/html").end(SCRIPTED));
      origin.on(dir + "data.json", req -> req.response().putHeader("Content-Type", "application/json")
          .end(new JsonArray().add("one").add("two").add("three").encode()));
    }
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable open : new AutoCloseable[] {node, origin, internal}) {
      try {
        if (open != null) {
          open.close();
        }
      } catch (Exception ignored) {
        // closing what started
      }
    }
  }

  private static Map<String, JsonObject> crawl(String seed, JsonObject options) {
    JsonObject request = new JsonObject().put("kind", "crawl").put("seeds", new JsonArray().add(seed))
        .put("options", options.put("robots", false));
    ApiClient.Response created = user.postJson("/v1/jobs", request);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    long id = created.json().getLong("id");
    user.awaitState(id, "done", Duration.ofMinutes(3));
    return user.get("/v1/jobs/" + id + "/results").ndjson().stream()
        .collect(Collectors.toMap(r -> r.getString("url"), r -> r));
  }

  @Test
  @DisplayName("a page whose links are added by JavaScript: every linked page is found when rendered, none without")
  void scriptedLinks() {
    Map<String, JsonObject> rendered = crawl(origin.url("/js/app"), new JsonObject().put("render", "chromium"));
    assertThat(rendered.keySet()).containsExactlyInAnyOrder(origin.url("/js/app"), origin.url("/js/one"),
        origin.url("/js/two"), origin.url("/js/three"));
    assertThat(rendered.get(origin.url("/js/app")).getString("title")).isEqualTo("app");
    assertThat(origin.seen("/js/app").get(0).header("User-Agent")).as("the browser sends the node's agent")
        .startsWith("fetchbus/");

    Map<String, JsonObject> plain = crawl(origin.url("/plain/app"), new JsonObject());
    assertThat(plain.keySet()).as("without rendering the script's links do not exist").containsExactly(
        origin.url("/plain/app"));
  }

  @Test
  @DisplayName("the job's user agent is the browser's")
  void userAgent() {
    origin.page("/ua/page");
    crawl(origin.url("/ua/page"),
        new JsonObject().put("render", "chromium").put("userAgent", "acmebot/3 (+https://a.example)"));
    assertThat(origin.seen("/ua/page").get(0).header("User-Agent")).isEqualTo("acmebot/3 (+https://a.example)");
  }

  @Test
  @DisplayName(
      "a page that makes the browser request a blocked address (img, "
          + "iframe, fetch, WebSocket, redirect) never reaches it")
  void guarded() {
    String inside = internal.url("/");
    String hop = origin.url("/evil/hop");
    origin.on("/evil/hop", req -> req.response().setStatusCode(302).putHeader("Location", inside + "redirected").end());
    origin.on("/evil/page", req -> req.response().putHeader("Content-Type", "text/html").end(
        "<html><head><title>evil</title><link rel=stylesheet href='" + inside + "css'></head><body>"
            + "<img src='" + inside + "img'><iframe src='" + inside + "frame'></iframe><img src='" + hop + "'>"
            + "<script>fetch('" + inside + "fetch').catch(() => {});"
            + "try { new WebSocket('" + inside.replace("http:", "ws:") + "ws'); } catch (e) {}"
            + "const x = new XMLHttpRequest(); x.open('GET', '" + inside + "xhr'); x.send();</script></body></html>"));
    Map<String, JsonObject> records = crawl(origin.url("/evil/page"), new JsonObject().put("render", "chromium"));

    assertThat(records.get(origin.url("/evil/page")).getInteger("status")).as("%s", records).isEqualTo(200);
    assertThat(origin.seen("/evil/hop")).as("the redirect's first hop is public, so it is asked").isNotEmpty();
    assertThat(internal.seen()).as("requests that reached the internal server").isEmpty();
  }

  @Test
  @DisplayName("a seed on a blocked address is refused before the browser asks it")
  void blockedSeed() {
    Map<String, JsonObject> records = crawl(internal.url("/seed"), new JsonObject().put("render", "chromium"));
    assertThat(records.get(internal.url("/seed")).getJsonObject("error").getString("code")).isEqualTo("blocked");
    assertThat(internal.seen()).isEmpty();
  }

  @Test
  @DisplayName("a document that is not HTML is kept as served, not as the DOM Chromium wraps it in")
  void notHtml() {
    origin.on("/text/plain.txt", req -> req.response().putHeader("Content-Type", "text/plain").end("just text\n"));
    JsonObject record = crawl(origin.url("/text/plain.txt"), new JsonObject().put("render", "chromium"))
        .get(origin.url("/text/plain.txt"));
    assertThat(record.getString("contentType")).isEqualTo("text/plain");
    assertThat(record.getLong("bytes")).isEqualTo(10);
    assertThat(record.getString("protocol")).as("as Chromium reported it over CDP").isEqualTo("HTTP/1.1");
  }

  @Test
  @DisplayName(
      "names are resolved by the node (its resolver, its guard), "
          + "not by Chromium: a name for a blocked address is refused")
  void namesResolvedByTheNode() throws Exception {
    // names only the node's stub resolver knows: Chromium could not resolve them at all on its own
    HostResolver.useLookup(node.vertx(), host -> switch (host) {
      case "site.test" -> List.of(InetAddress.getByName("127.0.0.1"));
      case "inside.test" -> List.of(InetAddress.getByName("127.0.0.2"));
      default -> throw new UnknownHostException(host);
    });
    int port = URI.create(origin.url("/")).getPort();
    String inside = "http://inside.test:" + URI.create(internal.url("/")).getPort() + "/";
    origin.on("/names/page", req -> req.response().putHeader("Content-Type", "text/html").end(
        "<html><title>names</title><body><img src='" + inside + "named-img'>"
            + "<script>fetch('" + inside + "named-fetch').catch(() => {})</script>"
            + "<a href='http://site.test:" + port + "/names/next'>next</a></body></html>"));
    String seed = "http://site.test:" + port + "/names/page";
    Map<String, JsonObject> records = crawl(seed, new JsonObject().put("render", "chromium"));

    assertThat(records.get(seed).getString("title")).isEqualTo("names");
    assertThat(records).containsKey("http://site.test:" + port + "/names/next");
    assertThat(origin.seen("/names/page").get(0).header("Host")).isEqualTo("site.test:" + port);
    assertThat(internal.seen()).as("requests that reached the internal server").isEmpty();
  }

  @Test
  @DisplayName("screenshot: true keeps a PNG of the rendered page, served under the record; a job without it has none")
  void screenshot() {
    origin.page("/shot/page");
    JsonObject request =
        new JsonObject().put("kind", "crawl").put("seeds", new JsonArray().add(origin.url("/shot/page")))
        .put("options", new JsonObject().put("render", "chromium").put("screenshot", true).put("robots", false));
    long id = user.postJson("/v1/jobs", request).json().getLong("id");
    user.awaitState(id, "done", Duration.ofMinutes(3));
    long cursor = user.get("/v1/jobs/" + id + "/results").ndjson().get(0).getLong("cursor");
    ApiClient.Bytes png = user.getBytes("/v1/jobs/" + id + "/pages/" + cursor + "/screenshot");
    assertThat(png.status()).isEqualTo(200);
    assertThat(png.header("Content-Type")).isEqualTo("image/png");
    assertThat(Arrays.copyOf(png.body(), 8)).isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});

    origin.page("/shot/none");
    long plain =
        user.submitJson(new JsonArray().add(origin.url("/shot/none")), new JsonObject().put("render", "chromium"))
        .getLong("id");
    user.awaitState(plain, "done", Duration.ofMinutes(3));
    long plainCursor = user.get("/v1/jobs/" + plain + "/results").ndjson().get(0).getLong("cursor");
    assertThat(user.get("/v1/jobs/" + plain + "/pages/" + plainCursor + "/screenshot").status()).isEqualTo(404);

    ApiClient.Response purged = user.delete("/v1/jobs/" + id + "?purge=true");
    assertThat(purged.status()).as(purged.body()).isEqualTo(200);
    assertThat(purged.json().getLong("bodiesFreed")).as("the page's body and its screenshot").isEqualTo(2);
  }

  @Test
  @DisplayName(
      "subresources on another host take that host's slots: at hostConcurrency 1 it never has "
          + "two requests in flight, and all of them load")
  void subresourcesArePolite() {
    try (OriginServer cdn = OriginServer.start()) {
      StringBuilder html = new StringBuilder("<html><head><title>many</title></head><body>");
      for (int i = 0; i < 8; i++) {
        // each answered after 300 ms, so a browser free to open its six connections would overlap them
        html.append("<img src='").append(cdn.url("/slow/300?n=" + i)).append("'>");
      }
      for (int i = 0; i < 3; i++) {
        // the page's own host: these run under the slot the page holds, or they would wait for it forever
        String own = "/polite/own" + i;
        origin.on(own, req -> req.response().putHeader("Content-Type", "text/plain").end("own"));
        html.append("<img src='").append(own).append("'>");
      }
      origin.on("/polite/page",
          req -> req.response().putHeader("Content-Type", "text/html").end(html + "</body></html>"));
      String seed = origin.url("/polite/page");
      JsonObject record = crawl(seed, new JsonObject().put("render", "chromium").put("hostConcurrency", 1)).get(seed);

      assertThat(record.getJsonObject("error")).as("%s", record).isNull();
      assertThat(cdn.hits("/slow/")).as("every subresource on the other host was asked for").isEqualTo(8);
      assertThat(cdn.maxConcurrent()).as("requests in flight at once at the other host").isEqualTo(1);
      for (int i = 0; i < 3; i++) {
        assertThat(origin.seen("/polite/own" + i)).as("own-host subresource %d", i).isNotEmpty();
      }
    }
  }

  @Test
  @DisplayName("a job's proxy carries its rendered page and the page's subresources, asked for by IP")
  void throughTheJobsProxy() {
    try (TestProxy proxy = TestProxy.http("alice", "s3cret")) {
      origin.on("/proxied/page", req -> req.response().putHeader("Content-Type", "text/html")
          .end("<html><title>proxied</title><body><img src='/proxied/img'></body></html>"));
      origin.on("/proxied/img", req -> req.response().putHeader("Content-Type", "text/plain").end("img"));
      String seed = origin.url("/proxied/page");
      JsonObject record = crawl(seed, new JsonObject().put("render", "chromium")
          .put("proxy", proxy.url("alice", "s3cret"))).get(seed);

      assertThat(record.getString("title")).as("%s", record).isEqualTo("proxied");
      assertThat(proxy.requests()).contains("GET " + seed, "GET " + origin.url("/proxied/img"));
    }
  }
}
