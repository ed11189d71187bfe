package dev.fetchbus.frontier;

import com.carrotsearch.hppc.LongHashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per job, the 64-bit hashes of links this node knows are in the job's frontier, so the navigation
 * links repeated on every page of a site are not sent to PostgreSQL again and again. It is only a
 * filter in front of the unique key: PostgreSQL stays the arbiter of exactly-once. A link enters
 * only once a batch that offered it has committed, so a failed write never hides a link; a
 * (2^-64) collision of hashes would drop one link. Bounded across jobs: past {@code maxLinks},
 * the least recently used job's set is dropped, which costs only database work.
 *
 * <p>Used on the frontier's event loop only.
 */
final class SeenLinks {
  private final long maxLinks;
  private final Map<Long, LongHashSet> jobs = new LinkedHashMap<>(16, 0.75f, true);
  private long size;

  SeenLinks(long maxLinks) {
    this.maxLinks = maxLinks;
  }

  boolean seen(long jobId, long hash) {
    LongHashSet set = jobs.get(jobId);
    return set != null && set.contains(hash);
  }

  void add(long jobId, long[] hashes) {
    if (maxLinks <= 0 || hashes.length == 0) {
      return;
    }
    LongHashSet set = jobs.computeIfAbsent(jobId, id -> new LongHashSet());
    for (long hash : hashes) {
      if (set.add(hash)) {
        size++;
      }
    }
    Iterator<Map.Entry<Long, LongHashSet>> eldest = jobs.entrySet().iterator();
    while (size > maxLinks && eldest.hasNext()) {
      size -= eldest.next().getValue().size();
      eldest.remove();
    }
  }

  void forget(long jobId) {
    LongHashSet set = jobs.remove(jobId);
    if (set != null) {
      size -= set.size();
    }
  }

  long size() {
    return size;
  }
}
