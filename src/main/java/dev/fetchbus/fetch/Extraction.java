package dev.fetchbus.fetch;

import dev.fetchbus.cache.NodeShared;
import dev.fetchbus.cache.SingleFlightCache;
import dev.fetchbus.extract.ContentHash;
import dev.fetchbus.extract.PageExtractor;
import dev.fetchbus.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;

/**
 * Extraction on worker threads, memoised by content hash for the pages whose record needs only
 * URL-independent facts (title, number of links): a body seen before is not parsed again, and
 * concurrent copies of one body are parsed once (single flight). Crawl pages need their links
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
        .compose(hash -> memo.get(hash, h -> vertx.executeBlocking(() -> slim(PageExtractor.extract(body, contentType, url)),
            false)));
  }

  /** The memo keeps no outlinks: they are URL-dependent and the summary does not use them. */
  private static PageExtractor.Extracted slim(PageExtractor.Extracted page) {
    return new PageExtractor.Extracted(page.contentHash(), page.title(), page.links(), null, List.of());
  }
}
