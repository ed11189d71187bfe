package dev.fetchbus.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A crawl of a real site, the PostgreSQL manual (Debian's postgresql-doc-15, which scripts/test-tools
 * installs), leaves every event loop unblocked: page processing runs on the CPU pool, never on a
 * loop. Served from the same files by a static file server on loopback.
 */
@DisplayName("A crawl of the PostgreSQL manual blocks no event loop")
class CrawlLoopsTest {
  private static final Path MANUAL = Path.of("/usr/share/doc/postgresql-doc-15/html");
  private static final Pattern BLOCKED = Pattern.compile("^fetchbus_eventloop_blocked_total\\{[^}]*} ([0-9.eE+]+)$",
      Pattern.MULTILINE);
  private static final Vertx origin = Vertx.vertx();
  private static HttpServer site;
  private static TestNode node;

  @BeforeAll
  static void start() {
    if (!Files.isDirectory(MANUAL) && System.getenv("CI") != null) {
      throw new AssertionError(MANUAL + " is missing, but CI is set: scripts/test-tools should have installed it");
    }
    Assumptions.assumeTrue(Files.isDirectory(MANUAL),
        "the PostgreSQL manual (Debian package postgresql-doc-15) is not installed: skipping");
    Router router = Router.router(origin);
    router.route().handler(StaticHandler.create(FileSystemAccess.ROOT, MANUAL.toString())
        .setCachingEnabled(false));
    site = TestNode.await(origin.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    TestNode.await(origin.close());
  }

  private static double blocked() {
    String metrics = node.admin().get("/metrics").body();
    Matcher m = BLOCKED.matcher(metrics);
    double total = 0;
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    return total;
  }

  @Test
  @DisplayName("fetchbus_eventloop_blocked_total does not grow while the node crawls and stores 1,170 pages")
  void noBlockedLoop() {
    ApiClient user = node.newUser("crawler");
    double before = blocked();
    JsonObject request = new JsonObject().put("kind", "crawl")
        .put("seeds", new JsonArray().add("http://127.0.0.1:" + site.actualPort() + "/index.html"))
        .put("options", new JsonObject().put("robots", false).put("hostConcurrency", 16));
    long id = user.postJson("/v1/jobs", request).json().getLong("id");
    JsonObject done = user.awaitState(id, "done", Duration.ofMinutes(3));
    assertThat(done.getJsonObject("urls").getLong("done")).isGreaterThanOrEqualTo(1169);
    assertThat(blocked() - before).as("blocked event-loop ticks during the crawl").isZero();
  }
}
