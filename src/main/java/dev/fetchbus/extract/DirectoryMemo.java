package dev.fetchbus.extract;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link LinkResolver}'s node-wide memo: per base directory, the resolved spelling of each reference
 * met there, bounded like {@link LinkMemo} by starting over when full. Two levels, because a page
 * asks about a hundred references against one directory: it looks its directory's answers up once,
 * and then each reference by itself, rather than building, hashing and comparing a "directory +
 * reference" key of a hundred characters for every link (docs/benchmarks.md, "Page processing").
 */
final class DirectoryMemo {
  private final Map<String, Map<String, String>> byDirectory = new ConcurrentHashMap<>();
  private final AtomicInteger entries = new AtomicInteger();
  private final int maxEntries;

  DirectoryMemo(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  /** The answers known for references against {@code directory}: read with get, add with {@link #put}. */
  Map<String, String> answers(String directory) {
    Map<String, String> known = byDirectory.get(directory);
    return known != null ? known : byDirectory.computeIfAbsent(directory, d -> new ConcurrentHashMap<>());
  }

  /**
   * Keeps an answer (pure: a lost race stores the same one twice). When full, the memo starts over;
   * a page still holding the answers of before goes on with them, and they go when it is done.
   */
  void put(Map<String, String> answers, String reference, String resolved) {
    if (entries.incrementAndGet() > maxEntries) {
      byDirectory.clear();
      entries.set(0);
    }
    answers.put(reference, resolved);
  }

  int size() {
    return entries.get();
  }
}
