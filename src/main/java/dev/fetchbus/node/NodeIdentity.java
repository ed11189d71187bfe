package dev.fetchbus.node;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.UUID;

/**
 * The identity of this node (one Vert.x instance), shared by all its verticles: the cluster
 * manager's node id when clustered, else a random id. Leases are held in this name, and a
 * restarted node gets a fresh one, so it never mistakes a dead node's leases for its own.
 */
public final class NodeIdentity {
  private static final String MAP = "fetchbus.node";

  private static final String MANAGER = "fetchbus.cluster";

  private NodeIdentity() {}

  public static String of(Vertx vertx) {
    LocalMap<String, String> map = vertx.sharedData().getLocalMap(MAP);
    return map.computeIfAbsent("id", k -> {
      ClusterManager manager = manager(vertx);
      return manager != null ? manager.getNodeId() : UUID.randomUUID().toString();
    });
  }

  /** Remembers the cluster manager a node was built with (the public Vert.x API does not expose it). */
  public static void remember(Vertx vertx, ClusterManager manager) {
    LocalMap<String, Holder> map = vertx.sharedData().getLocalMap(MANAGER);
    map.put("manager", new Holder(manager));
  }

  /** The node's cluster manager, or null when it is not clustered. */
  public static ClusterManager manager(Vertx vertx) {
    LocalMap<String, Holder> map = vertx.sharedData().getLocalMap(MANAGER);
    Holder holder = map.get("manager");
    return holder == null || !vertx.isClustered() ? null : holder.manager();
  }

  private record Holder(ClusterManager manager) implements Shareable {}
}
