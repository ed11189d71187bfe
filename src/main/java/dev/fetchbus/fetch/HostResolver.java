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
      return vertx.executeBlocking(() -> List.of(InetAddress.getAllByName(host)), false);
    }
    return cache.get(host, h -> vertx.executeBlocking(() -> List.of(InetAddress.getAllByName(h)), false));
  }

  private static boolean isLiteral(String host) {
    return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
  }
}
