package dev.fetchbus.api;

import dev.fetchbus.cache.NodeShared;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps one client from holding the API's connections: a connection whose first request has not
 * arrived whole within {@code http.headerTimeoutMs} is closed (a client that sends half its
 * headers no longer keeps its connection for minutes), and one address may hold at most
 * {@code http.maxConnectionsPerIp} connections at once, counted across the node's API instances.
 * Idle connections are the server's own idle timeout's business.
 */
final class ConnectionGuard {
  private final Vertx vertx;
  private final long headerTimeoutMs;
  private final int maxPerIp;
  private final Map<String, AtomicInteger> perIp;
  private final Map<HttpConnection, Long> awaitingRequest = new ConcurrentHashMap<>();

  ConnectionGuard(Vertx vertx, long headerTimeoutMs, int maxPerIp) {
    this.vertx = vertx;
    this.headerTimeoutMs = headerTimeoutMs;
    this.maxPerIp = maxPerIp;
    this.perIp = NodeShared.get(vertx, "api.connectionsPerIp", ConcurrentHashMap::new);
  }

  void connected(HttpConnection connection) {
    String ip = connection.remoteAddress() == null ? "unknown" : connection.remoteAddress().hostAddress();
    AtomicInteger open = perIp.computeIfAbsent(ip, k -> new AtomicInteger());
    if (maxPerIp > 0 && open.incrementAndGet() > maxPerIp) {
      open.decrementAndGet();
      connection.close();
      return;
    } else if (maxPerIp <= 0) {
      open.incrementAndGet();
    }
    awaitingRequest.put(connection, vertx.setTimer(headerTimeoutMs, id -> {
      if (awaitingRequest.remove(connection) != null) {
        connection.close();
      }
    }));
    connection.closeHandler(closed -> {
      open.decrementAndGet();
      Long timer = awaitingRequest.remove(connection);
      if (timer != null) {
        vertx.cancelTimer(timer);
      }
    });
  }

  /** A request's head arrived whole: its connection is no longer under the header timeout. */
  void requested(HttpServerRequest request) {
    Long timer = awaitingRequest.remove(request.connection());
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }
}
