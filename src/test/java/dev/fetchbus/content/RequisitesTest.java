package dev.fetchbus.content;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Crawl option requisites: pages come with what they need to show, like wget -p")
class RequisitesTest {
  private static final Vertx vertx = Vertx.vertx();
  private static HttpServer site;
  private static HttpServer cdn;
  private static TestNode node;
  private static ApiClient user;

  @BeforeAll
  static void start() {
    cdn = TestNode.await(vertx.createHttpServer().requestHandler(RequisitesTest::serve).listen(0, "127.0.0.2"));
    site = TestNode.await(vertx.createHttpServer().requestHandler(RequisitesTest::serve).listen(0, "127.0.0.1"));
    node = TestNode.start();
    user = node.newUser("archiver");
  }

  @AfterAll
  static void stop() {
    node.close();
    TestNode.await(vertx.close());
  }

  private static String home() {
    return "http://127.0.0.1:" + site.actualPort();
  }

  private static void serve(HttpServerRequest req) {
    String cdnLogo = "http://127.0.0.2:" + cdn.actualPort() + "/cdn/logo.png";
    String html = switch (req.path()) {
      case "/" -> "<html><head><link rel=stylesheet href=/css/site.css><script src=/js/app.js></script></head><body>"
          + "<img src=/img/1.png srcset=\"/img/2.png 2x, /img/3.png 3x\"><img src=" + cdnLogo + ">"
          + "<video poster=/v/poster.jpg><source src=/v/clip.mp4></video><img "
          + "src=/trap.html><a href=/a>a</a></body></html>";
      case "/a" -> "<html><body><img src=/img/1.png><img src=/img/a.png><a href=/b>b</a></body></html>";
      case "/b", "/trap.html" -> "<html><body><a href=/never>never</a><img src=/img/never.png></body></html>";
      default -> null;
    };
    if (html != null) {
      req.response().putHeader("Content-Type", "text/html").end(html);
    } else if (req.path().equals("/robots.txt") || req.path().equals("/never")) {
      req.response().setStatusCode(404).end();
    } else {
      req.response().putHeader("Content-Type", "application/octet-stream").end("bytes of " + req.path());
    }
  }

  private static Set<String> crawl(boolean requisites) {
    JsonObject request = new JsonObject().put("kind", "crawl").put("seeds", new JsonArray().add(home() + "/"))
        .put("limits", new JsonObject().put("maxDepth", 1)).put("requisites", requisites)
        .put("options", new JsonObject().put("robots", false));
    ApiClient.Response created = user.postJson("/v1/jobs", request);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    long id = created.json().getLong("id");
    user.awaitState(id, "done", Duration.ofMinutes(1));
    return user.get("/v1/jobs/" + id + "/results").ndjson().stream().map(r -> r.getString("url")
        .replace(home(), "").replace("http://127.0.0.2:" + cdn.actualPort(), "cdn:")).collect(Collectors.toSet());
  }

  @Test
  @DisplayName("in-scope pages bring their images, srcset, scripts, style sheets and media, from any host; "
      + "links are not followed from them, and maxDepth does not cut them off")
  void fetchesRequisites() {
    assertThat(crawl(true)).containsExactlyInAnyOrder("/", "/a", "/css/site.css", "/js/app.js", "/img/1.png",
        "/img/2.png", "/img/3.png", "cdn:/cdn/logo.png", "/v/poster.jpg", "/v/clip.mp4", "/trap.html", "/img/a.png");
  }

  @Test
  @DisplayName("without the option, a crawl fetches pages only")
  void pagesOnlyByDefault() {
    assertThat(crawl(false)).containsExactlyInAnyOrder("/", "/a");
  }

  @Test
  @DisplayName("requisites must be true or false")
  void validated() {
    JsonObject request = new JsonObject().put("kind", "crawl").put("seeds", new JsonArray().add(home() + "/"))
        .put("requisites", "yes");
    ApiClient.Response refused = user.postJson("/v1/jobs", request);
    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.json().getString("message")).contains("requisites");
  }
}
