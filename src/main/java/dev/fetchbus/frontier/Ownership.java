package dev.fetchbus.frontier;

import dev.fetchbus.cluster.Members;
import dev.fetchbus.cluster.NodeStatus;
import dev.fetchbus.cluster.PartitionOwnership;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host partitions this node's frontier owns, recomputed from the live fetch nodes every
 * {@code cluster.membershipMs}. A change calls back with the partitions lost and the ones now owned,
 * and is recorded in {@link NodeStatus} for readiness.
 */
final class Ownership {
  private static final Logger log = LoggerFactory.getLogger(Ownership.class);
  private final Vertx vertx;
  private final Members members;
  private final int partitions;
  private final BiConsumer<int[], int[]> onChange;
  private int[] owned = new int[0];
  private int memberCount;
  private boolean known;

  Ownership(Vertx vertx, Members members, int partitions, BiConsumer<int[], int[]> onChange) {
    this.vertx = vertx;
    this.members = members;
    this.partitions = partitions;
    this.onChange = onChange;
  }

  int[] owned() {
    return owned;
  }

  int members() {
    return memberCount;
  }

  Future<Void> leave() {
    return members.leave();
  }

  void forgetLongGone() {
    members.forgetLongGone().onFailure(err -> log.debug("Could not forget long-gone fetch nodes", err));
  }

  /** Heartbeats this node and recomputes its share from the live fetch nodes. */
  Future<Void> refresh() {
    return members.heartbeat().onSuccess(this::apply)
        .onFailure(err -> log.warn("Could not read the cluster's fetch nodes; keeping {} partitions", owned.length, err))
        .mapEmpty();
  }

  private void apply(List<String> nodes) {
    int[] now = PartitionOwnership.owned(members.self(), nodes, partitions);
    memberCount = nodes.size();
    boolean changed = !Arrays.equals(now, owned);
    int[] lost = IntStream.of(owned).filter(p -> Arrays.binarySearch(now, p) < 0).toArray();
    owned = now;
    if (changed || !known) {
      known = true;
      log.info("This node owns {} of {} host partitions ({} fetch nodes)", now.length, partitions, nodes.size());
      NodeStatus.ownedPartitions(vertx, now.length);
      onChange.accept(lost, now);
    }
  }

}
