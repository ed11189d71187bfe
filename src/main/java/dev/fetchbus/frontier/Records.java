package dev.fetchbus.frontier;

import dev.fetchbus.fetch.Discovered;
import dev.fetchbus.fetch.FetchOutcome;
import dev.fetchbus.fetch.FetchTask;
import dev.fetchbus.store.ClaimedUrl;
import dev.fetchbus.store.NewUrl;
import dev.fetchbus.store.PageRecord;
import java.util.ArrayList;
import java.util.List;

/** Turns a fetch outcome into the record the store keeps for the URL, with the URLs it adds. */
final class Records {
  private static final int MAX_MESSAGE = 1000;

  private Records() {}

  /** The record of {@code o}; {@code discovered} are the links it brings (those the node's filter let through). */
  static PageRecord of(Lease lease, FetchOutcome o, List<Discovered> discovered, int partitions) {
    ClaimedUrl url = lease.url();
    return new PageRecord(url.id(), url.jobId(), o.response(), url.attempts(), o.failed() ? o.error().code() : null,
        truncate(o.errorMessage()), discovered(lease, o, discovered, partitions));
  }

  /**
   * Links of a successfully fetched crawl page go one level deeper, within maxDepth; a sitemap's
   * entries stay at the sitemap's depth. A page's requisites go one level deeper too, but past
   * maxDepth as well (as {@code wget -p} does): a page is archived with what it needs to show.
   * Failed fetches add nothing.
   */
  private static List<NewUrl> discovered(Lease lease, FetchOutcome o, List<Discovered> found, int partitions) {
    if (o.failed() || found.isEmpty()) {
      return List.of();
    }
    ClaimedUrl from = lease.url();
    int depth = FetchTask.SITEMAP.equals(from.kind()) ? from.depth() : from.depth() + 1;
    boolean follows = lease.plan().followsTo(depth);
    List<NewUrl> urls = new ArrayList<>(found.size());
    for (Discovered d : found) {
      if (follows || FetchTask.REQUISITE.equals(d.kind())) {
        urls.add(new NewUrl(d.url(), d.host(), Partitions.of(d.host(), partitions), depth, d.kind(), from.id()));
      }
    }
    return urls;
  }

  private static String truncate(String message) {
    return message == null || message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE);
  }
}
