package dev.fetchbus.fetch;

import crawlercommons.robots.SimpleRobotRulesParser;
import dev.fetchbus.cache.NodeShared;
import dev.fetchbus.cache.SingleFlightCache;
import dev.fetchbus.config.Settings;
import dev.fetchbus.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import dev.fetchbus.extract.UrlNormalizer;
import java.time.Duration;
import java.util.List;

/**
 * robots.txt per origin (scheme, host, port), fetched once per TTL for the whole node: all fetcher
 * instances share one cache, and concurrent URLs of a new host wait on the same load.
 *
 * <p>Status rules (RFC 9309): 2xx is parsed; 4xx means allow all; 5xx, 429 and network failures mean
 * unavailable (kept {@code robots.errorTtlMs}, so retries look again). A host that is blocked, does
 * not resolve, refuses connections or fails TLS is allowed here, so the page fetch itself reports
 * the real error instead of a misleading {@code robots}.
 */
public final class RobotsCache {
  private final Vertx vertx;
  private final Settings.Robots config;
  private final SingleFlightCache<String, Robots> cache;

  private RobotsCache(Vertx vertx, Settings.Robots config) {
    this.vertx = vertx;
    this.config = config;
    Duration ttl = Duration.ofSeconds(config.ttlSeconds());
    Duration errorTtl = Duration.ofMillis(config.errorTtlMs());
    this.cache = new SingleFlightCache<>("robots", config.cacheSize(), robots -> robots.unavailable() ? errorTtl : ttl,
        Meters.registry());
  }

  /** The node's one robots cache. */
  public static RobotsCache shared(Vertx vertx, Settings.Robots config) {
    return NodeShared.get(vertx, "robots", () -> new RobotsCache(vertx, config));
  }

  /** Switches the cache's mode ({@code tuning.cacheMode}); returns this. */
  public RobotsCache mode(SingleFlightCache.Mode mode) {
    cache.mode(mode);
    return this;
  }

  /** The rules for the origin of {@code url}, loading them through {@code fetcher} on a miss. */
  public Future<Robots> rulesFor(String url, HttpFetcher fetcher) {
    return cache.get(UrlNormalizer.origin(url), origin -> load(origin, fetcher));
  }

  private Future<Robots> load(String origin, HttpFetcher fetcher) {
    String robotsUrl = origin + "/robots.txt";
    return fetcher.download(robotsUrl, config.timeoutMs(), config.maxBytes(), download -> fromResponse(robotsUrl, download))
        .recover(err -> Future.succeededFuture(fromFailure(FailureClassifier.classify(err))));
  }

  private Future<Robots> fromResponse(String robotsUrl, Download download) {
    int status = download.status();
    if (download.ok()) {
      byte[] body = download.body();
      String type = download.header("Content-Type");
      return vertx.executeBlocking(() -> new Robots(parser().parseContent(robotsUrl, body,
          type == null ? "text/plain" : type, List.of(config.agent())), false, "robots.txt " + status), false);
    }
    if (status == 429 || status >= 500) {
      return Future.succeededFuture(Robots.unavailable("robots.txt answered " + status));
    }
    return Future.succeededFuture(Robots.allowAll("robots.txt answered " + status));
  }

  private static Robots fromFailure(FetchFailure failure) {
    return switch (failure.type()) {
      case BLOCKED, DNS, BAD_URL, TLS, REFUSED -> Robots.allowAll("robots.txt not fetched: " + failure.type().code());
      default -> Robots.unavailable("robots.txt unavailable: " + failure.type().code() + " " + failure.getMessage());
    };
  }

  private SimpleRobotRulesParser parser() {
    SimpleRobotRulesParser parser = new SimpleRobotRulesParser();
    parser.setMaxCrawlDelay(Long.MAX_VALUE);
    return parser;
  }
}
