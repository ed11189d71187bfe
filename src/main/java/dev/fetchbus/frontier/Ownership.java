package dev.fetchbus.frontier;

import dev.fetchbus.cluster.Members;
import dev.fetchbus.cluster.PartitionOwnership;
import dev.fetchbus.node.NodeStatus;
import dev.fetchbus.store.FrontierTable;
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
 * and is recorded in {@link NodeStatus} for readiness. A gained partition is claimed from only once
 * no other live node holds a running lease in it (the hand-over), so two nodes never fetch one
 * host at once when ownership moves.
 */
final class Ownership {
  private static final Logger log = LoggerFactory.getLogger(Ownership.class);
  private final Vertx vertx;
  private final Members members;
  private final int partitions;
  private final BiConsumer<int[], int[]> onChange;
  private final FrontierTable frontier;
  private int[] owned = new int[0];
  /** Gained partitions where another live node may still be fetching: not claimed from yet. */
  private int[] handingOver = new int[0];
  private boolean known;
  private List<String> liveNodes = List.of();

  Ownership(Vertx vertx, Members members, FrontierTable frontier, int partitions, BiConsumer<int[], int[]> onChange) {
    this.vertx = vertx;
    this.members = members;
    this.frontier = frontier;
    this.partitions = partitions;
    this.onChange = onChange;
  }

  int[] owned() {
    return owned;
  }

  /** The owned partitions this node may claim from now: those not still being handed over. */
  int[] claimable() {
    return handingOver.length == 0 ? owned
        : IntStream.of(owned).filter(p -> Arrays.binarySearch(handingOver, p) < 0).toArray();
  }

  Future<Void> leave() {
    return members.leave();
  }

  void forgetLongGone() {
    members.forgetLongGone().onFailure(err -> log.debug("Could not forget long-gone fetch nodes", err));
  }

  /** Heartbeats this node and recomputes its share from the live fetch nodes. */
  Future<Void> refresh() {
    return members.heartbeat()
        .compose(nodes -> {
          apply(nodes);
          return checkHandOver(nodes);
        })
        .onFailure(err ->
            log.warn("Could not read the cluster's fetch nodes; keeping {} partitions", owned.length, err))
        .mapEmpty();
  }

  /** Gained partitions stay off-limits while another live node still holds leases in them. */
  private Future<Void> checkHandOver(List<String> nodes) {
    List<String> others = nodes.stream().filter(n -> !n.equals(members.self())).toList();
    if (handingOver.length == 0 || others.isEmpty()) {
      handingOver = new int[0];
      return Future.succeededFuture();
    }
    return frontier.busyPartitions(handingOver, others).map(busy -> {
      boolean released = busy.size() < handingOver.length;
      handingOver = IntStream.of(handingOver).filter(busy::contains).toArray();
      if (released) {
        onChange.accept(new int[0], owned);
      }
      return null;
    });
  }

  /**
   * The live node that owns {@code host}'s partition, by the member list last read; null before the
   * first read (the caller then treats the host as its own).
   */
  String ownerOf(String host) {
    return liveNodes.isEmpty() ? null : PartitionOwnership.owner(Partitions.of(host, partitions), liveNodes);
  }

  /** How many fetch nodes are live, this one included. */
  int liveNodes() {
    return Math.max(1, liveNodes.size());
  }

  /** This node's place among the live fetch nodes, by id: the same order on every node. */
  int rank() {
    return Math.max(0, liveNodes.indexOf(members.self()));
  }

  private void apply(List<String> nodes) {
    liveNodes = nodes.stream().sorted().toList();
    int[] now = PartitionOwnership.owned(members.self(), nodes, partitions);
    boolean changed = !Arrays.equals(now, owned);
    int[] lost = IntStream.of(owned).filter(p -> Arrays.binarySearch(now, p) < 0).toArray();
    int[] gained = IntStream.of(now).filter(p -> Arrays.binarySearch(owned, p) < 0).toArray();
    handingOver = IntStream.concat(IntStream.of(handingOver).filter(p -> Arrays.binarySearch(now, p) >= 0),
        IntStream.of(gained)).sorted().distinct().toArray();
    owned = now;
    if (changed || !known) {
      known = true;
      log.info("This node owns {} of {} host partitions ({} fetch nodes)", now.length, partitions, nodes.size());
      NodeStatus.ownedPartitions(vertx, now.length);
      onChange.accept(lost, now);
    }
  }

}
