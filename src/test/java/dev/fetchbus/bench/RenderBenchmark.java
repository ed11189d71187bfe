package dev.fetchbus.bench;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.TestNode;
import dev.fetchbus.support.Tools;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The rendering benchmark behind docs/benchmarks.md: crawls the PostgreSQL manual served by
 * scripts/peer-sites (127.0.0.1:18081) up to {@code bench.pages} pages, once fetched and once with
 * {@code render: chromium}, and prints pages/s for both and the peak memory (PSS) of this JVM's
 * Chromium processes while rendering, per browser (one context each at a time). Excluded from the
 * suite (tag "bench"); run by scripts/bench-render.
 */
@Tag("bench")
@DisplayName("Render benchmark")
class RenderBenchmark {
  private static final int PAGES = Integer.getInteger("bench.pages", 50);
  private static final int BROWSERS = Integer.getInteger("bench.browsers", 2);
  private static final String SEED = System.getProperty("bench.seed", "http://127.0.0.1:18081/index.html");

  @Test
  @DisplayName("crawls the PostgreSQL manual with and without rendering and prints pages/s and memory")
  void render() throws Exception {
    Assumptions.assumeTrue(Tools.onPath("chromium").isPresent(), "Chromium is not installed");
    JsonObject overlay = new JsonObject().put("fetch", new JsonObject().put("maxAttempts", 1))
        .put("render", new JsonObject().put("chromium", Tools.onPath("chromium").get().toString())
            .put("maxConcurrency", BROWSERS));
    try (TestNode node = TestNode.start(overlay)) {
      ApiClient user = node.newUser("bench");
      crawl(user, "none");
      AtomicLong peak = new AtomicLong();
      // the browsers' memory, sampled every 200 ms while the rendered crawl runs
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(chromiumRss(), Math::max), 0, 200,
          TimeUnit.MILLISECONDS);
      try {
        crawl(user, "chromium");
      } finally {
        sampler.shutdownNow();
      }
      System.out.printf("BENCH render chromiumPeakPssMiB=%.0f browsers=%d perBrowserContextMiB=%.0f%n",
          peak.get() / 1048576.0, BROWSERS, peak.get() / 1048576.0 / BROWSERS);
    }
  }

  private static void crawl(ApiClient user, String render) {
    JsonObject request = new JsonObject().put("kind", "crawl").put("seeds", new JsonArray().add(SEED))
        .put("limits", new JsonObject().put("maxPages", PAGES))
        .put("options", new JsonObject().put("hostConcurrency", BROWSERS * 2).put("render", render));
    ApiClient.Response created = user.postJson("/v1/jobs", request);
    if (created.status() != 201) {
      throw new AssertionError(created.body());
    }
    long id = created.json().getLong("id");
    JsonObject job = user.awaitState(id, "done", Duration.ofMinutes(20));
    System.out.printf("BENCH render=%s pages=%d done=%d failed=%d pagesPerSecond=%.2f%n", render, PAGES,
        job.getJsonObject("urls").getLong("done"), job.getJsonObject("urls").getLong("failed"),
        job.getDouble("pagesPerSecond"));
  }

  /**
   * Proportional resident memory (PSS: a page shared by n processes counts 1/n in each) of this
   * JVM's descendant Chromium processes (browser, renderers, GPU/utility); plain RSS would count
   * the shared libraries and the zygote's pages once per process.
   */
  private static long chromiumRss() {
    return ProcessHandle.current().descendants()
        .filter(p -> p.info().command().map(c -> c.contains("chromium") || c.contains("chrome")).orElse(false))
        .mapToLong(p -> rss(p.pid())).sum();
  }

  private static long rss(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
        if (line.startsWith("Pss:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process ended between listing and reading
    }
    return 0;
  }
}
