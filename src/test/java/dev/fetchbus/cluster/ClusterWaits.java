package dev.fetchbus.cluster;

import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.NodeProcess;
import dev.fetchbus.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/** The states ClusterIT waits for, read from the nodes' /ready and the shared database. */
final class ClusterWaits {
  private static final int PARTITIONS = 64;
  private static final Duration SETTLE = Duration.ofMinutes(2);
  private static final Duration POLL = Duration.ofMillis(250);

  private ClusterWaits() {}

  /** Until the cluster has {@code size} members and the fetch nodes' shares add up to every partition. */
  static void awaitClusterOf(List<NodeProcess> nodes, int size) {
    await("the cluster to settle at " + size + " nodes owning all " + PARTITIONS + " partitions").atMost(SETTLE)
        .pollDelay(Duration.ZERO).pollInterval(POLL)
        .until(() -> ready(nodes.get(0)).getInteger("clusterNodes") == size && owned(nodes) == PARTITIONS);
  }

  static void awaitEveryNodeSees(List<NodeProcess> nodes, int size) {
    await("every node to see a cluster of " + size).atMost(SETTLE).pollDelay(Duration.ZERO).pollInterval(POLL)
        .until(() -> nodes.stream().allMatch(node -> ready(node).getInteger("clusterNodes", 0) == size));
  }

  /**
   * Until a frozen node is out for good: the {@code others} see a cluster without it (Hazelcast's
   * failure detection), own every partition between them, and hold every lease of the job it held
   * (each ran out after its 4 s and was claimed again). Only the others are asked: a frozen node
   * never answers.
   */
  static void awaitTakenOver(List<NodeProcess> others, String database, String frozenId, long jobId) {
    await("the other nodes to take over the frozen node's partitions and leases").atMost(SETTLE)
        .pollDelay(Duration.ZERO).pollInterval(POLL)
        .until(() -> others.stream().allMatch(node -> ready(node).getInteger("clusterNodes", 0) == others.size())
            && owned(others) == PARTITIONS && leasesHeldBy(database, frozenId, jobId) == 0);
  }

  static JsonObject ready(NodeProcess node) {
    return ApiClient.of(node.httpPort(), null).get("/ready").json();
  }

  private static int owned(List<NodeProcess> nodes) {
    return nodes.stream().mapToInt(node -> ready(node).getInteger("ownedPartitions", 0)).sum();
  }

  private static long leasesHeldBy(String database, String nodeId, long jobId) throws SQLException {
    try (Connection conn = TestDatabase.connect(database);
        PreparedStatement st = conn.prepareStatement("select count(*) from queue where job_id = ? and leased_by = ?")) {
      st.setLong(1, jobId);
      st.setString(2, nodeId);
      try (ResultSet rows = st.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }
}
