package dev.fetchbus.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.GeneratedSite;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The store writes a partial batch after {@code store.flushMs}, unless the frontier has nothing else
 * to fetch: then the batch it waits on (the links of a crawl's next depth, a job's last records) is
 * written at once. With the wait set to an hour, these jobs can only end through that.
 */
@DisplayName("The store writes at once when the frontier waits on it")
class FlushWhenIdleTest {
  private static TestNode node;
  private static ApiClient user;

  @BeforeAll
  static void start() {
    node = TestNode.start(new JsonObject().put("store", new JsonObject().put("flushMs", 3_600_000)));
    user = node.newUser("idle-flusher");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  @DisplayName("a crawl goes depth by depth to its end, each depth's links written when the frontier runs dry")
  void crawlEnds() {
    try (GeneratedSite site = new GeneratedSite(300, 0)) {
      JsonObject request = new JsonObject().put("kind", "crawl")
          .put("seeds", new JsonArray().add(site.base() + "/p/0"))
          .put("options", new JsonObject().put("hostConcurrency", 8));
      ApiClient.Response created = user.postJson("/v1/jobs", request);
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      JsonObject job = user.awaitState(created.json().getLong("id"), "done", Duration.ofMinutes(2));
      List<String> recorded = user.get("/v1/jobs/" + job.getLong("id") + "/results").ndjson().stream()
          .map(record -> record.getString("url")).toList();
      assertThat(recorded).containsExactlyInAnyOrderElementsOf(site.expectedUrls(false));
    }
  }

  @Test
  @DisplayName("a list job's last records are written without the wait, and the job ends")
  void listEnds() {
    try (GeneratedSite site = new GeneratedSite(50, 0)) {
      List<String> urls = IntStream.range(0, 50).mapToObj(i -> site.base() + "/p/" + i).toList();
      long id = user.submit(urls, "robots=false").getLong("id");
      user.awaitState(id, "done", Duration.ofMinutes(2));
      assertThat(user.get("/v1/jobs/" + id + "/results").ndjson()).hasSize(50);
    }
  }
}
