package dev.fetchbus.frontier;

import dev.fetchbus.fetch.FetchOutcome;
import dev.fetchbus.store.ClaimedUrl;
import dev.fetchbus.store.PageRecord;

/** Turns a fetch outcome into the record the store keeps for the URL. */
final class Records {
  private static final int MAX_MESSAGE = 1000;

  private Records() {}

  static PageRecord of(ClaimedUrl url, FetchOutcome o) {
    return new PageRecord(url.id(), url.jobId(), o.finalUrl(), o.status(), o.contentType(), o.bytes(), o.truncated(),
        o.title(), o.contentHash(), o.links(), o.redirects(), o.etag(), o.lastModified(), o.fetchedAtMs(),
        o.elapsedMs(), url.attempts(), o.failed() ? o.error().code() : null, truncate(o.errorMessage()));
  }

  private static String truncate(String message) {
    return message == null || message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE);
  }
}
