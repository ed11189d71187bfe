package dev.fetchbus.metrics;

import dev.fetchbus.cache.NodeShared;
import dev.fetchbus.store.JobTable;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.sqlclient.Pool;

/**
 * The live dashboard's feed. Every node publishes its {@link NodeStats} once a second on
 * {@link #ADDRESS}, which the cluster's event bus carries to every node; each node's SockJS bridge
 * ({@code /ops/eventbus}) passes that one address out to browsers and nothing in, so every node's
 * dashboard shows the whole cluster without polling. A browser registers with the same key
 * {@code /ops/stats} wants (header {@code authorization}), unless it came through the management
 * port, which needs none.
 */
final class StatsBus {
  static final String ADDRESS = "fetchbus.ops.stats";
  static final long PERIOD_MS = 1000;

  private StatsBus() {}

  /**
   * This node's one snapshot source, shared by the publisher and {@code GET /ops/stats}, so the
   * running jobs are read once per refresh for both.
   */
  static NodeStats stats(Vertx vertx, Pool pool) {
    return NodeShared.get(vertx, "nodeStats", () -> new NodeStats(vertx, new JobTable(pool)));
  }

  /** Starts this node's publisher, once however many servers mount the ops routes. */
  static void publish(Vertx vertx, Pool pool) {
    NodeStats stats = stats(vertx, pool);
    NodeShared.get(vertx, "statsBus", () -> vertx.setPeriodic(PERIOD_MS, id -> stats.stats()
        .onSuccess(snapshot -> vertx.eventBus().publish(ADDRESS, snapshot))));
  }

  /** The bridge's routes: out, only {@link #ADDRESS}; in, nothing. */
  static Router bridge(Vertx vertx, OpsAccess access) {
    SockJSBridgeOptions options = new SockJSBridgeOptions()
        .addOutboundPermitted(new PermittedOptions().setAddress(ADDRESS));
    return SockJSHandler.create(vertx).bridge(options, event -> admit(event, access));
  }

  private static void admit(BridgeEvent event, OpsAccess access) {
    if (event.type() != BridgeEventType.REGISTER) {
      event.complete(true);
      return;
    }
    JsonObject headers = event.getRawMessage() == null ? null : event.getRawMessage().getJsonObject("headers");
    String authorization = headers == null ? null : headers.getString("authorization");
    access.allows(authorization).onComplete(allowed -> event.complete(allowed.succeeded() && allowed.result()));
  }
}
