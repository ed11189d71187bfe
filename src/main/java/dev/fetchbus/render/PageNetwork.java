package dev.fetchbus.render;

import io.vertx.core.Future;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ProxyOptions;
import java.net.InetAddress;

/**
 * What one rendered page's connections may do, as its job allows (given by {@code fetch}, so this
 * package does not depend on it): the network guard ({@link Gate}), the host's politeness slot each
 * connection must hold, and the proxy the job's fetches go through. The defaults are a page with
 * no politeness of its own and no proxy.
 */
public interface PageNetwork extends Gate {
  /**
   * A politeness slot of the origin {@code scheme://host:port} for one connection or request;
   * completes with what gives it back (safe to call more than once), or fails when none came in
   * the time the page can wait.
   */
  default Future<Runnable> slot(String scheme, String host, int port) {
    return Future.succeededFuture(() -> { });
  }

  /** Points a forwarded plain-HTTP request at the judged {@code address}: directly, or through the job's proxy. */
  default RequestOptions route(RequestOptions options, InetAddress address, int port, String hostHeader) {
    return options;
  }

  /** The proxy a tunnel to the judged address goes through; null for a direct connection. */
  default ProxyOptions tunnelProxy(int connectTimeoutMs) {
    return null;
  }
}
