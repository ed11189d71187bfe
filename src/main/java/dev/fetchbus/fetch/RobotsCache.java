package dev.fetchbus.fetch;

import crawlercommons.robots.SimpleRobotRulesParser;
import dev.fetchbus.cache.NodeShared;
import dev.fetchbus.cache.SingleFlightCache;
import dev.fetchbus.config.JobRequests;
import dev.fetchbus.config.ProxyUrl;
import dev.fetchbus.config.Settings;
import dev.fetchbus.extract.UrlNormalizer;
import dev.fetchbus.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

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

  /**
   * The rules for the origin of {@code url} as the node's agent reads them, loaded through {@code fetcher} on a miss.
   */
  public Future<Robots> rulesFor(String url, HttpFetcher fetcher) {
    return rulesFor(url, fetcher, null, null);
  }

  /**
   * The rules for the origin of {@code url} as a job with {@code userAgent} (null: the node's) reads
   * them, fetched through the job's {@code proxy} (null: the node's route). Verdicts depend on the
   * agent token, and a site may answer a proxy's address differently, so both are part of the cache
   * key: two jobs with different agents or routes never share a verdict, and a proxied job's
   * robots.txt is fetched through its proxy, never directly. Each origin's robots.txt is read once
   * per agent token and route.
   */
  Future<Robots> rulesFor(String url, HttpFetcher fetcher, String userAgent, ProxyUrl proxy) {
    String agent = userAgent == null ? config.agent().toLowerCase(Locale.ROOT) : JobRequests.agentToken(userAgent);
    String origin = UrlNormalizer.origin(url);
    String key = origin + " " + agent + (proxy == null ? "" : " via " + proxy.routeKey());
    return cache.get(key, k -> load(origin, agent, userAgent, proxy, fetcher));
  }

  private Future<Robots> load(String origin, String agent, String userAgent, ProxyUrl proxy, HttpFetcher fetcher) {
    String robotsUrl = origin + "/robots.txt";
    // robots.txt is asked for with the job's user agent and through its proxy only: no job headers,
    // credentials or cookies
    RequestProfile profile = RequestProfile.plain(userAgent == null ? fetcher.nodeUserAgent() : userAgent, proxy);
    return fetcher.download(robotsUrl, config.timeoutMs(), config.maxBytes(), null, profile,
            download -> fromResponse(robotsUrl, agent, download))
        .recover(err -> fromFailure(FailureClassifier.classify(err)));
  }

  private Future<Robots> fromResponse(String robotsUrl, String agent, Download download) {
    int status = download.status();
    if (download.ok()) {
      String type = download.header("Content-Type");
      return vertx.executeBlocking(() -> new Robots(parser().parseContent(robotsUrl, download.decoded().body(),
          type == null ? "text/plain" : type, List.of(agent)), false, "robots.txt " + status), false);
    }
    if (status == 429 || status >= 500) {
      return Future.succeededFuture(Robots.unavailable("robots.txt answered " + status));
    }
    return Future.succeededFuture(Robots.allowAll("robots.txt answered " + status));
  }

  /**
   * A proxy that refuses us or cannot be reached says nothing about the site: no verdict is kept
   * (failures are not cached), and the page fails with the proxy's error instead.
   */
  private static Future<Robots> fromFailure(FetchFailure failure) {
    if (failure.type() == FetchError.PROXY || failure.type() == FetchError.PROXY_UNREACHABLE) {
      return Future.failedFuture(failure);
    }
    return Future.succeededFuture(switch (failure.type()) {
      case BLOCKED, DNS, BAD_URL, TLS, REFUSED -> Robots.allowAll("robots.txt not fetched: " + failure.type().code());
      default -> Robots.unavailable("robots.txt unavailable: " + failure.type().code() + " " + failure.getMessage());
    });
  }

  private SimpleRobotRulesParser parser() {
    SimpleRobotRulesParser parser = new SimpleRobotRulesParser();
    parser.setMaxCrawlDelay(Long.MAX_VALUE);
    return parser;
  }
}
