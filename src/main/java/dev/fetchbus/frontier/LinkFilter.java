package dev.fetchbus.frontier;

import dev.fetchbus.fetch.Discovered;
import dev.fetchbus.store.StoredBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps links this node knows are already queued from going to the store again
 * ({@link SeenLinks}), and learns the links of each record once the store reports it committed.
 */
final class LinkFilter {
  /** The hashes of the links a record offered, until its batch is reported. */
  private record Offered(long jobId, long[] hashes) {}

  private final SeenLinks seen;
  private final Map<Long, Offered> pending = new HashMap<>();
  private long filtered;

  LinkFilter(SeenLinks seen) {
    this.seen = seen;
  }

  /** The links of a record not known to be queued already; they are remembered until the record's batch is reported. */
  List<Discovered> unseen(long jobId, long urlId, List<Discovered> found) {
    if (found.isEmpty()) {
      return found;
    }
    List<Discovered> fresh = new ArrayList<>(found.size());
    for (Discovered link : found) {
      if (!seen.seen(jobId, link.hash())) {
        fresh.add(link);
      }
    }
    filtered += found.size() - fresh.size();
    long[] hashes = new long[fresh.size()];
    for (int i = 0; i < hashes.length; i++) {
      hashes[i] = fresh.get(i).hash();
    }
    pending.put(urlId, new Offered(jobId, hashes));
    return fresh;
  }

  /**
   * Committed records' links are now in the frontier; those of records not written are forgotten.
   * Returns whether a committed record brought new links: there may be new work to claim.
   */
  boolean stored(StoredBatch batch) {
    boolean newWork = false;
    for (long urlId : batch.urlIds()) {
      Offered offered = pending.remove(urlId);
      if (offered != null && !batch.failed() && batch.committed().contains(urlId)) {
        seen.add(offered.jobId(), offered.hashes());
        newWork |= offered.hashes().length > 0;
      }
    }
    return newWork;
  }

  void forget(long jobId) {
    seen.forget(jobId);
  }

  /** Links kept from the store so far. */
  long filtered() {
    return filtered;
  }

  long size() {
    return seen.size();
  }
}
