package dev.fetchbus.fetch;

import java.util.List;

/**
 * What one fetch produced: a response (any status), or a failure of one taxonomy type. A non-2xx
 * response carries both its status and the {@code http_status} error. {@code discovered} holds the
 * in-scope links of a crawl job's page, or the entries of a sitemap. {@code notModified} marks a 304
 * answer to a conditional request: the page is unchanged and {@code contentHash} is the stored one.
 */
public record FetchOutcome(
    String finalUrl,
    Integer status,
    String contentType,
    long bytes,
    boolean truncated,
    String title,
    String contentHash,
    Integer links,
    int redirects,
    String etag,
    String lastModified,
    long fetchedAtMs,
    int elapsedMs,
    FetchError error,
    String errorMessage,
    long retryAfterMs,
    boolean notModified,
    List<Discovered> discovered) {

  public boolean failed() {
    return error != null;
  }

  /** Whether another attempt at this URL may turn out differently. */
  public boolean retryable() {
    if (error == null) {
      return false;
    }
    if (error == FetchError.HTTP_STATUS) {
      return status != null && FetchError.retryableStatus(status);
    }
    return error.retryable();
  }

  public static FetchOutcome failure(String url, FetchFailure failure, long startedMs) {
    long now = System.currentTimeMillis();
    return new FetchOutcome(url, null, null, 0, false, null, null, null, 0, null, null, now,
        (int) (now - startedMs), failure.type(), failure.getMessage(), 0, false, List.of());
  }
}
