package dev.fetchbus.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.UUID;

/**
 * The identity of this node (one Vert.x instance), shared by all its verticles: the cluster
 * manager's node id when clustered, else a random id. Leases are held in this name, and a
 * restarted node gets a fresh one, so it never mistakes a dead node's leases for its own.
 */
public final class NodeIdentity {
  private static final String MAP = "fetchbus.node";

  private NodeIdentity() {}

  public static String of(Vertx vertx) {
    LocalMap<String, String> map = vertx.sharedData().getLocalMap(MAP);
    return map.computeIfAbsent("id", k -> {
      ClusterManager manager = Members.manager(vertx);
      return manager != null ? manager.getNodeId() : UUID.randomUUID().toString();
    });
  }
}
