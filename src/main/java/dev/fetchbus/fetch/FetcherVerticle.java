package dev.fetchbus.fetch;

import dev.fetchbus.cache.NodeShared;
import dev.fetchbus.cache.SingleFlightCache;
import dev.fetchbus.config.DeployedConfig;
import dev.fetchbus.config.ProxyUrl;
import dev.fetchbus.config.RenderSettings;
import dev.fetchbus.config.Settings;
import dev.fetchbus.content.BodyBudget;
import dev.fetchbus.metrics.CpuPerPage;
import dev.fetchbus.metrics.FetchMetrics;
import dev.fetchbus.metrics.Meters;
import dev.fetchbus.node.LocalCodec;
import dev.fetchbus.node.NodeStatus;
import dev.fetchbus.store.CookieTable;
import dev.fetchbus.store.Database;
import dev.fetchbus.store.PageTable;
import dev.fetchbus.store.ScreenshotTable;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.net.TrustOptions;
import java.time.Duration;

/**
 * One fetcher per instance, each on its own event loop. Takes {@link FetchTask}s on
 * {@link #ADDRESS} (node-local, round-robin across instances) and replies with a
 * {@link FetchOutcome}; answers robots.txt questions on {@link #ROBOTS_ADDRESS}. All instances
 * share the node's one pooled HTTP client and its one robots cache.
 */
public final class FetcherVerticle extends VerticleBase {
  public static final String ADDRESS = "fetchbus.fetch";
  public static final String ROBOTS_ADDRESS = "fetchbus.robots";
  /** A robots.txt question's header: the job's user agent, when it is not the node's. */
  public static final String USER_AGENT = "userAgent";
  /** A robots.txt question's header: the job's proxy URL, when it has one. */
  public static final String PROXY_HEADER = "proxy";

  private TaskRunner runner;
  private RenderedFetch rendered;
  private FetchMetrics metrics;

  @Override
  public Future<?> start() {
    Settings settings = Settings.load(DeployedConfig.resolve(vertx, config()));
    LocalCodec.register(vertx, FetchTask.class);
    LocalCodec.register(vertx, FetchOutcome.class);
    LocalCodec.register(vertx, Robots.class);
    return trust(settings).compose(trust -> start(settings, SharedHttpClient.create(vertx, settings, trust)));
  }

  private Future<?> start(Settings settings, WebClients clients) {
    SingleFlightCache.Mode cacheMode = SingleFlightCache.Mode.of(settings.tuning().cacheMode());
    NetworkGuard guard = new NetworkGuard(settings.fetch().allowNetworks());
    HostResolver resolver = new HostResolver(vertx,
        Duration.ofSeconds(settings.dns().ttlSeconds()), settings.dns().cacheSize()).cacheMode(cacheMode);
    HttpFetcher fetcher = new HttpFetcher(vertx, clients, guard, resolver, settings.fetch(),
        bodyBudget(vertx, settings.fetch()), settings.egress().proxy());
    PageTable pages = new PageTable(Database.sharedPool(vertx, settings));
    CookieJars cookies =
        CookieJars.shared(vertx, new CookieTable(Database.sharedPool(vertx, settings)), settings.job());
    runner = new TaskRunner(vertx, fetcher, RobotsCache.shared(vertx, settings.robots()).mode(cacheMode), settings,
        pages::previous, cookies)
        .rendering(rendered = new RenderedFetch(vertx, RenderSettings.of(settings), guard, resolver,
            new ScreenshotTable(Database.sharedPool(vertx, settings)), settings.egress().proxy()));
    NodeStatus.rendering(vertx, RenderSettings.of(settings).available());
    metrics = new FetchMetrics(Meters.registry());
    NodeShared.get(vertx, "cpuPerPage", () -> {
      CpuPerPage cpu = new CpuPerPage(Meters.registry());
      vertx.setPeriodic(CpuPerPage.WINDOW_MS, id -> cpu.sample());
      return cpu;
    });
    MessageConsumer<FetchTask> tasks = vertx.eventBus().localConsumer(ADDRESS, this::fetch);
    MessageConsumer<String> robots = vertx.eventBus().localConsumer(ROBOTS_ADDRESS, this::robots);
    return Future.all(tasks.completion(), robots.completion());
  }

  @Override
  public Future<?> stop() {
    // the browsers are the node's: the first fetcher to stop ends them, the node is going down
    rendered.close();
    return Future.succeededFuture();
  }

  private void fetch(Message<FetchTask> message) {
    runner.run(message.body()).onSuccess(outcome -> {
      metrics.record(outcome.failed() ? outcome.error().code() : "ok", outcome.response().elapsedMs());
      message.reply(outcome);
    });
  }

  /** The node's one budget of buffered body bytes, shared by its fetchers, with its gauges. */
  static BodyBudget bodyBudget(Vertx vertx, Settings.Fetch config) {
    BodyBudget budget = BodyBudget.of(vertx, config.maxBufferedBytes());
    return NodeShared.get(vertx, "bodyBudgetGauges", () -> {
      Gauge.builder("fetchbus_fetch_buffered_bytes", budget, BodyBudget::held)
          .description("Memory held for pages: bodies being read or processed, records not yet stored")
          .register(Meters.registry());
      Gauge.builder("fetchbus_fetch_buffered_bytes_max", budget, BodyBudget::highWater)
          .description("The most body bytes held at once since the node started (limit: fetch.maxBufferedBytes)")
          .register(Meters.registry());
      return budget;
    });
  }

  private void robots(Message<String> message) {
    String proxy = message.headers().get(PROXY_HEADER);
    runner.robotsFor(message.body(), message.headers().get(USER_AGENT), ProxyUrl.parseOptional(proxy))
        .onSuccess(message::reply)
        .onFailure(err -> message.fail(1, err.getMessage())); // a proxy's failure: the frontier does not wait
  }

  /** What the node's clients trust, read once per node on a worker thread (a file and the JDK's CAs). */
  private Future<TrustOptions> trust(Settings settings) {
    String path = settings.egress().trustStore();
    return NodeShared.get(vertx, "trustOptions", () -> vertx.executeBlocking(() -> TrustStore.load(path), false));
  }
}
