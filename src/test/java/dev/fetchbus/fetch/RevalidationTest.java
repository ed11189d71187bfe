package dev.fetchbus.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Revalidation with ETag and Last-Modified, across jobs")
class RevalidationTest {
  private static final Vertx origin = Vertx.vertx();
  private static final AtomicInteger full = new AtomicInteger();
  private static final AtomicInteger notModified = new AtomicInteger();
  private static HttpServer server;
  private static TestNode node;
  private static ApiClient user;

  /** Pages under /etag/ carry an ETag, under /date/ a Last-Modified; /changed/ changes its ETag each time. */
  @BeforeAll
  static void start() {
    server = TestNode.await(origin.createHttpServer().requestHandler(req -> {
      String path = req.path();
      String etag = path.startsWith("/changed/") ? "\"" + System.nanoTime() + "\"" : "\"v1-" + path.hashCode() + "\"";
      String lastModified = "Tue, 03 Nov 2026 10:00:00 GMT";
      boolean unchanged = path.startsWith("/date/")
          ? lastModified.equals(req.getHeader("If-Modified-Since"))
          : etag.equals(req.getHeader("If-None-Match"));
      if (path.equals("/robots.txt")) {
        req.response().setStatusCode(404).end();
      } else if (unchanged) {
        notModified.incrementAndGet();
        req.response().setStatusCode(304).end();
      } else {
        full.incrementAndGet();
        req.response().putHeader("Content-Type", "text/html")
            .putHeader(path.startsWith("/date/") ? "Last-Modified" : "ETag",
                path.startsWith("/date/") ? lastModified : etag)
            .end("<html><head><title>" + path + "</title></head></html>");
      }
    }).listen(0, "127.0.0.1"));
    node = TestNode.start();
    user = node.newUser("revalidator");
  }

  @AfterAll
  static void stop() {
    node.close();
    TestNode.await(origin.close());
  }

  private static Map<String, JsonObject> run(List<String> urls) {
    long id = user.submit(urls, null).getLong("id");
    user.awaitState(id, "done", Duration.ofMinutes(2));
    return user.get("/v1/jobs/" + id + "/results").ndjson().stream()
        .collect(Collectors.toMap(r -> r.getString("url"), Function.identity()));
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  @Test
  @DisplayName("a second job on unchanged pages gets 304s, recorded as notModified with the stored content hash")
  void secondJobRevalidates() {
    List<String> urls = IntStream.range(0, 20).mapToObj(i -> url((i % 2 == 0 ? "/etag/" : "/date/") + i)).toList();
    Map<String, JsonObject> first = run(urls);
    int fullAfterFirst = full.get();
    assertThat(first.values()).allSatisfy(r -> assertThat(r.getBoolean("notModified")).isFalse());
    assertThat(notModified.get()).isZero();

    Map<String, JsonObject> second = run(urls);
    assertThat(full.get()).as("full responses in the second job").isEqualTo(fullAfterFirst);
    assertThat(notModified.get()).as("304 responses in the second job").isEqualTo(urls.size());
    for (String url : urls) {
      JsonObject record = second.get(url);
      assertThat(record.getBoolean("notModified")).as("notModified of %s", url).isTrue();
      assertThat(record.getInteger("status")).isEqualTo(304);
      assertThat(record.getValue("error")).isNull();
      assertThat(record.getString("contentHash")).isEqualTo(first.get(url).getString("contentHash")).isNotNull();
    }
  }

  @Test
  @DisplayName("a page that changed answers in full again, and is not marked notModified")
  void changedPageIsFetchedInFull() {
    List<String> urls = List.of(url("/changed/1"));
    run(urls);
    int before = full.get();
    JsonObject again = run(urls).get(urls.get(0));
    assertThat(full.get()).isEqualTo(before + 1);
    assertThat(again.getBoolean("notModified")).isFalse();
    assertThat(again.getInteger("status")).isEqualTo(200);
  }
}
