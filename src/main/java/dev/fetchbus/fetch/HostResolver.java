package dev.fetchbus.fetch;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.util.List;

/**
 * Resolves host names on a worker thread (the JDK resolver blocks and honours /etc/hosts), so
 * the network guard can judge the addresses before any connection is made.
 */
public final class HostResolver {
  private final Vertx vertx;

  public HostResolver(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<List<InetAddress>> resolve(String host) {
    return vertx.executeBlocking(() -> List.of(InetAddress.getAllByName(host)), false);
  }
}
