package dev.fetchbus.fetch;

import dev.fetchbus.cache.NodeShared;
import dev.fetchbus.cache.SingleFlightCache;
import dev.fetchbus.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Resolves host names on a worker thread (the JDK resolver blocks and honours /etc/hosts), so the
 * network guard can judge the addresses before any connection is made. Answers are kept per host
 * for {@code ttl} in a node-wide single-flight cache: a burst of URLs of one new host costs one
 * lookup. Failures are not kept. IP literals skip the cache.
 */
public final class HostResolver {
  /** How a name becomes addresses: blocking, on a worker thread. */
  @FunctionalInterface
  public interface Lookup {
    List<InetAddress> addresses(String host) throws UnknownHostException;
  }

  private static final Lookup SYSTEM = host -> List.of(InetAddress.getAllByName(host));
  private final Vertx vertx;
  private final SingleFlightCache<String, List<InetAddress>> cache;
  private final AtomicReference<Lookup> lookup;

  public HostResolver(Vertx vertx, Duration ttl, long maxHosts) {
    this.vertx = vertx;
    this.lookup = NodeShared.get(vertx, "dnsLookup", () -> new AtomicReference<>(SYSTEM));
    this.cache = NodeShared.get(vertx, "dns", () -> new SingleFlightCache<>("dns", maxHosts, answer -> ttl,
        Meters.registry()));
  }

  public HostResolver(Vertx vertx) {
    this(vertx, Duration.ofSeconds(60), 10_000);
  }

  /** Switches the node's DNS cache's mode ({@code tuning.cacheMode}); returns this. */
  public HostResolver cacheMode(SingleFlightCache.Mode mode) {
    cache.mode(mode);
    return this;
  }

  public Future<List<InetAddress>> resolve(String host) {
    if (isLiteral(host)) {
      // an IP literal is parsed, never looked up: no worker thread needed
      try {
        return Future.succeededFuture(List.of(InetAddress.getByName(host)));
      } catch (UnknownHostException e) {
        return Future.failedFuture(e);
      }
    }
    Lookup names = lookup.get();
    return cache.get(host, h -> vertx.executeBlocking(() -> names.addresses(h), false));
  }

  /**
   * A seam for tests, which nothing in the node calls: from now on the node of {@code vertx} (every
   * resolver of it, made before or after) looks names up with {@code lookup} instead of the JDK's
   * resolver. IP literals are still parsed, never looked up, and answers are still cached for the
   * node's {@code dns.ttlSeconds}. A test gives names private answers, or changes a name's answer
   * between two lookups (DNS rebinding), without a query ever reaching the system's DNS.
   */
  public static void useLookup(Vertx vertx, Lookup lookup) {
    NodeShared.<AtomicReference<Lookup>>get(vertx, "dnsLookup", () -> new AtomicReference<>(SYSTEM)).set(lookup);
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
      if (!isOctet(part)) {
        return false;
      }
    }
    return true;
  }

  /** One to three ASCII digits, at most 255 (no regex: this runs on the event loop for every request). */
  private static boolean isOctet(String part) {
    if (part.isEmpty() || part.length() > 3) {
      return false;
    }
    for (int i = 0; i < part.length(); i++) {
      if (part.charAt(i) < '0' || part.charAt(i) > '9') {
        return false;
      }
    }
    return Integer.parseInt(part) <= 255;
  }
}
