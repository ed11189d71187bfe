package dev.fetchbus.fetch;

import dev.fetchbus.content.Response;
import java.util.List;

/**
 * What one fetch produced: a {@link Response} (any status, or an empty one when none came), and a
 * failure of one taxonomy type or none. A non-2xx response carries both its status and the
 * {@code http_status} error. {@code discovered} holds the in-scope links of a crawl job's page, or
 * the entries of a sitemap. The response's fields live in {@link Response} only, shared with the
 * stored record; those here are the fetch's own: its error, how long its host asks us to wait, and
 * its links before the frontier filters them.
 */
public record FetchOutcome(
    Response response, FetchError error, String errorMessage, long retryAfterMs, List<Discovered> discovered) {

  public boolean failed() {
    return error != null;
  }

  /** Whether another attempt at this URL may turn out differently. */
  public boolean retryable() {
    if (error == null) {
      return false;
    }
    if (error == FetchError.HTTP_STATUS) {
      Integer status = response.status();
      return status != null && FetchError.retryableStatus(status);
    }
    return error.retryable();
  }

  public static FetchOutcome failure(String url, FetchFailure failure, long startedMs) {
    long now = System.currentTimeMillis();
    return builder(url).fetchedAt(now).elapsedMs((int) (now - startedMs)).error(failure.type(), failure.getMessage())
        .build();
  }

  public static Builder builder(String finalUrl) {
    return new Builder(finalUrl);
  }

  /** The response's setters ({@link Response.Builder}), and the fetch's own fields; all start empty. */
  public static final class Builder extends Response.Builder<Builder> {
    private FetchError error;
    private String errorMessage;
    private long retryAfterMs;
    private List<Discovered> discovered = List.of();

    private Builder(String finalUrl) {
      super(finalUrl);
    }

    public Builder error(FetchError error, String message) {
      this.error = error;
      this.errorMessage = message;
      return this;
    }

    public Builder retryAfterMs(long retryAfterMs) {
      this.retryAfterMs = retryAfterMs;
      return this;
    }

    public Builder discovered(List<Discovered> discovered) {
      this.discovered = discovered;
      return this;
    }

    public FetchOutcome build() {
      return new FetchOutcome(response(), error, errorMessage, retryAfterMs, discovered);
    }
  }
}
