package dev.fetchbus.bench;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.GeneratedSite;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The crawl benchmark behind docs/benchmarks.md: crawls the generated test site (robots, sitemaps,
 * cycles, duplicates, nofollow) with a whole node in this JVM, and prints pages/s. It asserts
 * nothing about time; it is excluded from the test suite (tag "bench") and run by scripts/bench-crawl.
 * The origin shares this JVM and its 2 cores with the node, so the figure is a floor.
 */
@Tag("bench")
@DisplayName("Crawl benchmark")
class CrawlBenchmark {
  private static final int PAGES = Integer.getInteger("bench.pages", 20_000);
  private static final int RUNS = Integer.getInteger("bench.runs", 3);
  private static final int HOST_CONCURRENCY = Integer.getInteger("bench.hostConcurrency", 32);

  @Test
  @DisplayName("crawls the generated site and prints pages per second")
  void crawl() {
    try (TestNode node = TestNode.start(new JsonObject().put("fetch", new JsonObject().put("maxAttempts", 1)))) {
      ApiClient user = node.newUser("bench");
      for (int run = 1; run <= RUNS; run++) {
        try (GeneratedSite site = new GeneratedSite(PAGES, 50)) {
          JsonObject request = new JsonObject().put("kind", "crawl")
              .put("seeds", new JsonArray().add(site.base() + "/p/0")).put("sitemaps", true)
              .put("options", new JsonObject().put("hostConcurrency", HOST_CONCURRENCY));
          long id = user.postJson("/v1/jobs", request).json().getLong("id");
          JsonObject job = user.awaitState(id, "done", Duration.ofMinutes(10));
          long records = job.getJsonObject("urls").getLong("done") + job.getJsonObject("urls").getLong("failed");
          System.out.printf("BENCH crawl run=%d pages=%d records=%d hostConcurrency=%d pagesPerSecond=%.1f%n", run,
              PAGES, records, HOST_CONCURRENCY, job.getDouble("pagesPerSecond"));
        }
      }
    }
  }
}
