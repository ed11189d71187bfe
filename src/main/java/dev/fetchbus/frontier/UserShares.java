package dev.fetchbus.frontier;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * How many fetches each user may run on this node: its cluster-wide {@code limits.concurrentFetches}
 * split among the live fetch nodes (the rows of {@code fetch_nodes} in PostgreSQL), so the shares
 * add up to the limit. A node always has at least one, or a user's hosts owned by that node would
 * never be fetched: on a cluster of more nodes than the limit, a user may run one fetch per node.
 * Limits are learnt when a job's plan is loaded, and again when an admin changes them. Used on
 * the frontier's event loop only.
 */
final class UserShares {
  private final Map<Long, Integer> limits = new HashMap<>();
  private final IntSupplier nodes;
  private final IntSupplier rank;

  /** {@code nodes}: live fetch nodes; {@code rank}: this node's place among them (0 …). */
  UserShares(IntSupplier nodes, IntSupplier rank) {
    this.nodes = nodes;
    this.rank = rank;
  }

  void learn(long userId, int clusterLimit) {
    if (userId != 0) {
      limits.put(userId, clusterLimit);
    }
  }

  /** This node's share of the user's limit; unbounded for a user not known here. */
  int localLimit(long userId) {
    Integer limit = limits.get(userId);
    if (limit == null) {
      return Integer.MAX_VALUE;
    }
    int n = Math.max(1, nodes.getAsInt());
    int share = limit / n + (rank.getAsInt() < limit % n ? 1 : 0);
    return Math.max(1, share);
  }
}
