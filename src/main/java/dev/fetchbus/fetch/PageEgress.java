package dev.fetchbus.fetch;

import dev.fetchbus.extract.UrlNormalizer;
import dev.fetchbus.render.PageNetwork;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ProxyOptions;
import java.net.InetAddress;
import java.time.Duration;

/**
 * What one rendered page's connections may do, as the fetcher would do it for its job: resolved
 * and judged by the node's resolver and {@link NetworkGuard}, through the job's proxy (else the
 * node's {@code fetch.proxy}), and each holding a politeness slot of its host ({@link HostSlots}).
 *
 * <p>The page's own origin is the exception: the page already holds that origin's slot (its lease)
 * while it renders, so its subresources there run under it; asking for another would wait forever
 * at {@code hostConcurrency: 1}. Slots of other hosts are waited for at most half the page's
 * remaining time: two pages rendering at once, each holding its own host and loading from the
 * other's, would otherwise wait on each other until both timed out; this way the subresource is
 * given up (the browser gets a 503) and the page still completes.
 */
final class PageEgress implements PageNetwork {
  /** How long past the page's deadline a slot may be held before its owner takes it back unasked. */
  private static final long HOLD_MARGIN_MS = 5_000;
  private final Vertx vertx;
  private final NetworkGuard guard;
  private final HostResolver resolver;
  private final ProxyRoute route;
  private final FetchTask task;
  private final String pageOrigin;
  private final long deadlineMs;

  PageEgress(Vertx vertx, NetworkGuard guard, HostResolver resolver, ProxyRoute route, FetchTask task, int timeoutMs) {
    this.vertx = vertx;
    this.guard = guard;
    this.resolver = resolver;
    this.route = route;
    this.task = task;
    this.pageOrigin = UrlNormalizer.origin(task.url());
    this.deadlineMs = System.currentTimeMillis() + timeoutMs;
  }

  /** The permitted address to connect to, or why there is none. */
  @Override
  public Future<InetAddress> address(String host) {
    return resolver.resolve(host).map(addresses -> guard.choose(host, addresses));
  }

  @Override
  public Future<Runnable> slot(String scheme, String host, int port) {
    String authority = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    UrlNormalizer.Result normalized = UrlNormalizer.normalize(scheme + "://" + authority + ":" + port + "/");
    if (!(normalized instanceof UrlNormalizer.Accepted ok)) {
      return Future.failedFuture(new FetchFailure(FetchError.BAD_URL, "no origin for " + host + ":" + port));
    }
    String origin = UrlNormalizer.origin(ok.url());
    if (origin.equals(pageOrigin)) {
      return Future.succeededFuture(() -> { });
    }
    long left = Math.max(1, deadlineMs - System.currentTimeMillis());
    return HostSlots.take(vertx, origin, ok.host(), task.options(), Math.max(1, left / 2), left + HOLD_MARGIN_MS);
  }

  @Override
  public RequestOptions route(RequestOptions options, InetAddress address, int port, String hostHeader) {
    return route.apply(options, address, port, false, hostHeader);
  }

  @Override
  public ProxyOptions tunnelProxy(int connectTimeoutMs) {
    return route.proxied() ? route.proxyOptions().setConnectTimeout(Duration.ofMillis(connectTimeoutMs)) : null;
  }
}
