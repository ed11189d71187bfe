package dev.fetchbus.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.config.Settings;
import dev.fetchbus.content.BodyBudget;
import dev.fetchbus.support.RecordingOrigin;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The robots.txt cache, on its own")
class RobotsCacheTest {
  private static final int ERROR_TTL_MS = 200;
  private Vertx vertx;
  private HttpFetcher fetcher;
  private RobotsCache robots;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    Settings settings = Settings.load(new JsonObject()
        .put("fetch", new JsonObject().put("allowNetworks", "127.0.0.0/8"))
        .put("robots", new JsonObject().put("errorTtlMs", ERROR_TTL_MS)), Map.of());
    fetcher = new HttpFetcher(vertx, SharedHttpClient.create(vertx, settings.fetch()),
        new NetworkGuard(settings.fetch().allowNetworks()), new HostResolver(vertx), settings.fetch(),
        new BodyBudget(settings.fetch().maxBufferedBytes()));
    robots = RobotsCache.shared(vertx, settings.robots());
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private List<Context> eventLoopContexts(int count) throws Exception {
    List<Context> contexts = new CopyOnWriteArrayList<>();
    await(vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        contexts.add(context);
        return Future.succeededFuture();
      }
    }, new DeploymentOptions().setInstances(count)));
    return contexts;
  }

  @Test
  @DisplayName(
      "500 concurrent rulesFor() calls for one new origin make exactly one robots.txt request, and all get its rules")
  void singleFlight() throws Exception {
    try (RecordingOrigin origin = new RecordingOrigin()
        .robots(200, "User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n")
        .robotsDelayMs(1000)) {
      List<Context> contexts = eventLoopContexts(4);
      List<Future<Robots>> answers = new CopyOnWriteArrayList<>();
      CountDownLatch issued = new CountDownLatch(500);
      for (int c = 0; c < contexts.size(); c++) {
        int first = c * 125;
        contexts.get(c).runOnContext(v -> {
          for (int i = first; i < first + 125; i++) {
            answers.add(robots.rulesFor(origin.url("/page/" + i + "?q=" + i), fetcher));
            issued.countDown();
          }
        });
      }
      assertThat(issued.await(60, TimeUnit.SECONDS)).isTrue();

      List<Robots> rules = new ArrayList<>();
      for (Future<Robots> answer : answers) {
        rules.add(await(answer));
      }

      assertThat(origin.hits("/robots.txt")).isEqualTo(1);
      assertThat(origin.hits()).hasSize(1);
      assertThat(rules).hasSize(500).allSatisfy(r -> assertThat(r).isSameAs(rules.get(0)));
      Robots parsed = rules.get(0);
      assertThat(parsed.unavailable()).isFalse();
      assertThat(parsed.allows(origin.url("/page/1"))).isTrue();
      assertThat(parsed.allows(origin.url("/private/x"))).isFalse();
      assertThat(parsed.crawlDelayMs()).isEqualTo(2000);

      assertThat(await(robots.rulesFor(origin.url("/later"), fetcher))).as("a later call is served from the cache")
          .isSameAs(parsed);
      assertThat(origin.hits("/robots.txt")).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("robots.txt is kept per origin: another port is another site, with its own request")
  void perOrigin() throws Exception {
    try (RecordingOrigin a = new RecordingOrigin().robots(200, "User-agent: *\nDisallow: /\n");
        RecordingOrigin b = new RecordingOrigin().robots(404, "")) {
      Robots rulesA = await(robots.rulesFor(a.url("/x"), fetcher));
      Robots rulesB = await(robots.rulesFor(b.url("/x"), fetcher));
      await(robots.rulesFor(a.url("/y"), fetcher));
      await(robots.rulesFor(b.url("/y"), fetcher));

      assertThat(rulesA.reason()).as("A's rules were read").isEqualTo("robots.txt 200");
      assertThat(rulesA.allows(a.url("/x"))).isFalse();
      assertThat(rulesB.reason()).as("B's robots.txt was fetched and answered 404")
          .isEqualTo("robots.txt answered 404");
      assertThat(rulesB.allows(b.url("/x"))).as("a 404 robots.txt allows everything").isTrue();
      assertThat(a.hits("/robots.txt")).isEqualTo(1);
      assertThat(b.hits("/robots.txt")).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("an unavailable robots.txt (5xx) is kept only briefly, then asked for again")
  void unavailableIsRetried() throws Exception {
    try (RecordingOrigin origin = new RecordingOrigin().robots(503, "down")) {
      Robots first = await(robots.rulesFor(origin.url("/a"), fetcher));
      assertThat(first.unavailable()).isTrue();
      assertThat(first.allows(origin.url("/a"))).isFalse();

      origin.robots(200, "User-agent: *\nAllow: /\n");
      Robots later = Awaitility.await("the rules to be read again once the error TTL passed")
          .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
          .until(() -> await(robots.rulesFor(origin.url("/a"), fetcher)), rules -> !rules.unavailable());

      assertThat(later.unavailable()).as("the rules are read again once the error TTL passed").isFalse();
      assertThat(later.allows(origin.url("/a"))).isTrue();
      long hits = origin.hits("/robots.txt");
      assertThat(hits).isGreaterThanOrEqualTo(2);
      assertThat(await(robots.rulesFor(origin.url("/b"), fetcher))).as("readable rules are kept").isSameAs(later);
      assertThat(origin.hits("/robots.txt")).isEqualTo(hits);
    }
  }
}
