package dev.fetchbus.fetch;

/**
 * What one fetch produced: a response (any status), or a failure of one taxonomy type. A non-2xx
 * response carries both its status and the {@code http_status} error.
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
    long retryAfterMs) {

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

  public static FetchOutcome failure(String url, FetchFailure failure, int redirects, long startedMs) {
    long now = System.currentTimeMillis();
    return new FetchOutcome(url, null, null, 0, false, null, null, null, redirects, null, null, now,
        (int) (now - startedMs), failure.type(), failure.getMessage(), 0);
  }
}
