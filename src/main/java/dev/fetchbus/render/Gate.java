package dev.fetchbus.render;

import io.vertx.core.Future;
import java.net.InetAddress;

/**
 * The fetcher's network guard behind an interface, so this package does not depend on
 * {@code fetch}: the one address of {@code host} that Chromium's traffic may go to, or a failure
 * whose message says why none may (a blocked address, an unresolvable name).
 */
public interface Gate {
  Future<InetAddress> address(String host);
}
