package dev.fetchbus.archive;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The payload digests already written in one stream, each with the response that first carried
 * it, so that a repeat can be written as a revisit pointing there. Bounded, least recently used
 * out first: forgetting a digest only means a later repeat is written in full again, which is
 * still a valid archive. Depends only on the sequence of pages, so output stays deterministic.
 */
final class PayloadMemory {
  /** The response a revisit refers to. */
  record FirstCapture(URI recordId, URI targetUri, Instant date) {}

  private final Map<String, FirstCapture> byDigest;

  PayloadMemory(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity < 0: " + capacity);
    }
    this.byDigest = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, FirstCapture> eldest) {
        return size() > capacity;
      }
    };
  }

  /** The first capture with this payload digest, or null; a hit counts as a use. */
  FirstCapture find(String digest) {
    return byDigest.get(digest);
  }

  void remember(String digest, FirstCapture capture) {
    byDigest.put(digest, capture);
  }

  int size() {
    return byDigest.size();
  }
}
