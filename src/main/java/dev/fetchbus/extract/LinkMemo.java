package dev.fetchbus.extract;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A node-wide memo of pure answers about links, bounded by starting over: a {@link ConcurrentHashMap}
 * emptied when it reaches its size. The link memos ({@link KnownUrls}, and {@link DirectoryMemo} in
 * the same way for {@link LinkResolver}) are asked a hundred times a page and almost always hit: a
 * Caffeine cache with a size bound kept an access order and a frequency sketch up to date on every
 * hit, a seventh of the CPU pool's time in a crawl (docs/benchmarks.md, "Link memos without
 * bookkeeping"). Starting over costs a few thousand recomputations, once per that many new keys; a
 * lost race computes an answer twice, which is harmless for a pure function.
 */
final class LinkMemo<V> {
  private final ConcurrentHashMap<String, V> answers = new ConcurrentHashMap<>();
  private final int maxEntries;

  LinkMemo(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  /** The answer for {@code key}, computed by {@code compute} (pure, never null) when not known. */
  V get(String key, Function<String, V> compute) {
    V known = answers.get(key);
    if (known != null) {
      return known;
    }
    V answer = compute.apply(key);
    if (answers.size() >= maxEntries) {
      answers.clear();
    }
    answers.put(key, answer);
    return answer;
  }

  int size() {
    return answers.size();
  }
}
