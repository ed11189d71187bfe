package dev.fetchbus.fetch;

import dev.fetchbus.cache.NodeShared;
import dev.fetchbus.cache.SingleFlightCache;
import dev.fetchbus.extract.ContentHash;
import dev.fetchbus.extract.PageExtractor;
import dev.fetchbus.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * Extraction on worker threads, memoised by content hash for the pages whose record needs only
 * the page's facts without its link list: a body seen before at the same URL (a re-fetch, another
 * job) is not parsed again, and concurrent copies of one page are parsed once (single flight). The
 * key includes the URL because the canonical URL is resolved against it. Crawl pages need their links
 * resolved against their own URL, so they are always parsed, in one worker hop.
 */
final class Extraction {
  private final Vertx vertx;
  private final SingleFlightCache<String, PageExtractor.Extracted> memo;

  Extraction(Vertx vertx, long size) {
    this.vertx = vertx;
    this.memo = NodeShared.get(vertx, "extraction", () -> new SingleFlightCache<>("extraction", size,
        page -> Duration.ofHours(1), Meters.registry()));
  }

  /** Title and link count (memoised), or only the hash when {@code parse} is off. */
  Future<PageExtractor.Extracted> summary(byte[] body, String contentType, String url, boolean parse) {
    if (!parse || !PageExtractor.isHtml(contentType)) {
      return vertx.executeBlocking(() -> PageExtractor.hashOnly(body), false);
    }
    return vertx.executeBlocking(() -> ContentHash.sha256(body), false)
        .compose(hash -> memo.get(hash + ' ' + url, key -> vertx.executeBlocking(() -> slim(PageExtractor.extract(body, contentType, url)),
            false)));
  }

  /** The memo keeps no link list: it is URL-dependent, and a list job's record keeps only the count. */
  private static PageExtractor.Extracted slim(PageExtractor.Extracted page) {
    return new PageExtractor.Extracted(page.contentHash(), page.facts().withoutOutlinks());
  }
}
