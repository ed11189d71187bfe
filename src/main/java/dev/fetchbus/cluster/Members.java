package dev.fetchbus.cluster;

import dev.fetchbus.node.NodeIdentity;
import dev.fetchbus.store.NodeTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;

/**
 * The live nodes that fetch. Each fetch node heartbeats a row of {@code fetch_nodes} every
 * {@code cluster.membershipMs}; live means heard from within {@code cluster.memberTimeoutMs} by the
 * database's clock. All nodes read the same rows, so they agree on the members (and so on partition
 * owners) even when the cluster manager's views differ for a while, as they do around a node that
 * was frozen and woke up. It costs one tiny statement per node per interval and no event-bus traffic.
 */
public final class Members {
  private final Vertx vertx;
  private final String self;
  private final NodeTable nodes;
  private final long timeoutMs;

  private Members(Vertx vertx, Pool pool, long timeoutMs) {
    this.vertx = vertx;
    this.self = NodeIdentity.of(vertx);
    this.nodes = new NodeTable(pool);
    this.timeoutMs = timeoutMs;
  }

  public static Members of(Vertx vertx, Pool pool, long timeoutMs) {
    return new Members(vertx, pool, timeoutMs);
  }

  /** How many nodes the cluster manager sees (1 without a cluster): for readiness. */
  public static int clusterSize(Vertx vertx) {
    ClusterManager manager = NodeIdentity.manager(vertx);
    return manager == null ? 1 : manager.getNodes().size();
  }

  public String self() {
    return self;
  }

  /** This fetch node is alive; then the live fetch nodes, itself included. */
  public Future<List<String>> heartbeat() {
    return nodes.heartbeat(self).compose(v -> fetchNodes()).map(live -> {
      if (live.contains(self)) {
        return live;
      }
      List<String> withSelf = new ArrayList<>(live);
      withSelf.add(self);
      withSelf.sort(null);
      return withSelf;
    });
  }

  /** The live fetch nodes, sorted. */
  public Future<List<String>> fetchNodes() {
    return nodes.live(timeoutMs);
  }

  /** Those of {@code nodes} this node's event bus can reach now (all of them without a cluster). */
  public List<String> reachable(List<String> nodes) {
    ClusterManager manager = NodeIdentity.manager(vertx);
    if (manager == null) {
      return nodes;
    }
    List<String> members = manager.getNodes();
    return nodes.stream().filter(members::contains).toList();
  }

  /** Leaves on purpose, so the others take this node's partitions at once. */
  public Future<Void> leave() {
    return nodes.remove(self);
  }

  public Future<Integer> forgetLongGone() {
    return nodes.forgetLongGone();
  }
}
