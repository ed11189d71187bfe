package dev.fetchbus.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a node's memory settings fit its heap, worked out before it starts: a node that cannot
 * hold what its settings allow would run until a site of large pages crashes it, and with
 * {@code -XX:+ExitOnOutOfMemoryError} crash again after every restart. Each term is a bound the
 * code enforces (docs/configuration.md, "Memory"):
 * <ul>
 *   <li>the page budget, {@code fetch.maxBufferedBytes}, twice: what it counts (bodies read and being
 *       processed, records waiting for the store), and the database client's copy of a batch being
 *       written;
 *   <li>one body over the budget: one reader at a time may read past the limit (so readers cannot
 *       all wait on each other), up to {@code job.maxBodyBytes} or {@code sitemap.maxBytes}, counted
 *       four times like any body;
 *   <li>the synchronous fetch cache, {@code fetchCache.maxBytes};
 *   <li>the crawl link filter, {@code frontier.seenLinks} hashes of 8 bytes at a load of one half;
 *   <li>exports: each of {@code pg.exportPoolSize} exports holds one body, up to {@code job.maxBodyBytes};
 *   <li>a reserve for the rest of the node (Vert.x, pools, caches, code), {@link #RESERVE_BYTES}.
 * </ul>
 */
public final class MemoryFit {
  public static final long RESERVE_BYTES = 96L << 20;
  private static final long MIB = 1L << 20;

  private MemoryFit() {}

  /** The heap these settings need, with the terms that make it up. */
  public record Need(long bytes, List<String> terms) {}

  public static Need of(Settings settings) {
    List<String> terms = new ArrayList<>();
    long bytes = add(terms, "reserve", RESERVE_BYTES);
    long storedBody = Math.max(settings.job().maxBodyBytes(), settings.fetch().maxBodyBytes());
    long largestBody = Math.max(storedBody, settings.sitemapMaxBytes());
    if (settings.hasRole("fetch")) {
      bytes += add(terms, "2 × fetch.maxBufferedBytes", 2L * settings.fetch().maxBufferedBytes());
      bytes += add(terms, "4 × the largest body (job.maxBodyBytes, sitemap.maxBytes) over the budget",
          4L * largestBody);
      bytes += add(terms, "fetchCache.maxBytes", settings.fetchCache().maxBytes());
      bytes += add(terms, "16 × frontier.seenLinks", 16L * settings.frontier().seenLinks());
    }
    if (settings.hasRole("api")) {
      bytes += add(terms, "pg.exportPoolSize × job.maxBodyBytes", (long) settings.pg().exportPoolSize() * storedBody);
    }
    return new Need(bytes, terms);
  }

  /** Refuses settings that need more heap than {@code maxHeapBytes}, saying what to change. */
  public static void check(Settings settings, long maxHeapBytes) {
    Need need = of(settings);
    if (need.bytes() > maxHeapBytes) {
      throw new IllegalArgumentException(String.format(
          "These settings need about %d MiB of heap and the JVM has %d MiB (%s). Lower fetch.maxBufferedBytes "
              + "(FETCHBUS_FETCH_MAX_BUFFERED_BYTES), job.maxBodyBytes (FETCHBUS_JOB_MAX_BODY_BYTES) or "
              + "fetchCache.maxBytes (FETCHBUS_FETCH_CACHE_MAX_BYTES), "
              + "or give the JVM more (-Xmx in FETCHBUS_JAVA_OPTS)",
          need.bytes() / MIB, maxHeapBytes / MIB, String.join(" + ", need.terms())));
    }
  }

  private static long add(List<String> terms, String term, long bytes) {
    terms.add(term + " " + bytes / MIB + " MiB");
    return bytes;
  }
}
