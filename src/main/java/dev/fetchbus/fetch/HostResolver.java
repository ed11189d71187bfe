package dev.fetchbus.fetch;

import dev.fetchbus.cache.NodeShared;
import dev.fetchbus.cache.SingleFlightCache;
import dev.fetchbus.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * Resolves host names on a worker thread (the JDK resolver blocks and honours /etc/hosts), so the
 * network guard can judge the addresses before any connection is made. Answers are kept per host
 * for {@code ttl} in a node-wide single-flight cache: a burst of URLs of one new host costs one
 * lookup. Failures are not kept. IP literals skip the cache.
 */
public final class HostResolver {
  private final Vertx vertx;
  private final SingleFlightCache<String, List<InetAddress>> cache;

  public HostResolver(Vertx vertx, Duration ttl, long maxHosts) {
    this.vertx = vertx;
    this.cache = NodeShared.get(vertx, "dns", () -> new SingleFlightCache<>("dns", maxHosts, answer -> ttl,
        Meters.registry()));
  }

  public HostResolver(Vertx vertx) {
    this(vertx, Duration.ofSeconds(60), 10_000);
  }

  public Future<List<InetAddress>> resolve(String host) {
    if (isLiteral(host)) {
      // an IP literal is parsed, never looked up: no worker thread needed
      try {
        return Future.succeededFuture(List.of(InetAddress.getByName(host)));
      } catch (java.net.UnknownHostException e) {
        return Future.failedFuture(e);
      }
    }
    return cache.get(host, h -> vertx.executeBlocking(() -> List.of(InetAddress.getAllByName(h)), false));
  }

  /**
   * IPv6 literals hold a colon; IPv4 literals are four dotted numbers up to 255. Anything else (even
   * 999.1.1.1, which Java would try to look up) goes through the resolver on a worker thread.
   */
  private static boolean isLiteral(String host) {
    if (host.indexOf(':') >= 0) {
      return true;
    }
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (!part.matches("\\d{1,3}") || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }
}
