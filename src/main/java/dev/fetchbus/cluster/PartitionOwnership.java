package dev.fetchbus.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Which fetch node owns which host partition: rendezvous (highest random weight) hashing. Every
 * node computes the same answer from the same member list, with no coordination, and a join or a
 * leave moves only the partitions the changed node wins or held.
 */
public final class PartitionOwnership {
  private PartitionOwnership() {}

  public static String owner(int partition, Collection<String> members) {
    String best = null;
    long bestWeight = Long.MIN_VALUE;
    for (String member : members) {
      long weight = weight(member, partition);
      if (best == null || weight > bestWeight || (weight == bestWeight && member.compareTo(best) < 0)) {
        best = member;
        bestWeight = weight;
      }
    }
    return best;
  }

  /** The partitions {@code self} owns among {@code members}, in ascending order. */
  public static int[] owned(String self, Collection<String> members, int partitions) {
    List<Integer> mine = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      if (self.equals(owner(p, members))) {
        mine.add(p);
      }
    }
    return mine.stream().mapToInt(Integer::intValue).toArray();
  }

  /** FNV-1a over "member#partition", then a 64-bit finaliser so close inputs spread widely. */
  private static long weight(String member, int partition) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : (member + "#" + partition).getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xFF;
      hash *= 0x100000001b3L;
    }
    hash ^= hash >>> 33;
    hash *= 0xff51afd7ed558ccdL;
    hash ^= hash >>> 33;
    return hash;
  }
}
