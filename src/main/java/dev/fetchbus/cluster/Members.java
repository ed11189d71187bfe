package dev.fetchbus.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The live nodes that fetch. Liveness comes from the cluster manager's member list (Hazelcast's
 * failure detection); fetch-capability from a cluster-wide map where each frontier registers its
 * node id. No event-bus traffic: the member list is local state, the map lives in Hazelcast.
 * Without a cluster, the only member is this node.
 */
public final class Members {
  private static final String REGISTRY = "fetchbus.fetch-nodes";
  private static final String LOCAL = "fetchbus.cluster";
  private final Vertx vertx;
  private final String self;

  private Members(Vertx vertx) {
    this.vertx = vertx;
    this.self = NodeIdentity.of(vertx);
  }

  public static Members of(Vertx vertx) {
    return new Members(vertx);
  }

  /** Remembers the cluster manager a node was built with (the public Vert.x API does not expose it). */
  public static void remember(Vertx vertx, ClusterManager manager) {
    LocalMap<String, Holder> map = vertx.sharedData().getLocalMap(LOCAL);
    map.put("manager", new Holder(manager));
  }

  static ClusterManager manager(Vertx vertx) {
    LocalMap<String, Holder> map = vertx.sharedData().getLocalMap(LOCAL);
    Holder holder = map.get("manager");
    return holder == null || !vertx.isClustered() ? null : holder.manager();
  }

  private record Holder(ClusterManager manager) implements Shareable {}

  public String self() {
    return self;
  }

  /** Announces this node as one that fetches. */
  public Future<Void> registerFetchNode() {
    return registry().compose(map -> map.put(self, Boolean.TRUE));
  }

  public Future<Void> unregisterFetchNode() {
    return registry().compose(map -> map.remove(self)).mapEmpty();
  }

  /** The fetch nodes alive now, sorted; dead nodes' registrations are cleaned up on the way. */
  public Future<List<String>> fetchNodes() {
    ClusterManager manager = manager(vertx);
    if (manager == null) {
      return Future.succeededFuture(List.of(self));
    }
    Set<String> alive = new TreeSet<>(manager.getNodes());
    return registry().compose(map -> map.keys().compose(keys -> {
      keys.stream().filter(k -> !alive.contains(k)).forEach(map::remove);
      return Future.succeededFuture(keys.stream().filter(alive::contains).sorted().toList());
    }));
  }

  /** How many nodes are in the cluster (1 without one). */
  public int clusterSize() {
    ClusterManager manager = manager(vertx);
    return manager == null ? 1 : manager.getNodes().size();
  }

  private Future<AsyncMap<String, Boolean>> registry() {
    return vertx.sharedData().getAsyncMap(REGISTRY);
  }
}
