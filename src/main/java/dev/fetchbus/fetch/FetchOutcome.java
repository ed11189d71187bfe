package dev.fetchbus.fetch;

import dev.fetchbus.content.HttpExchange;
import dev.fetchbus.content.PageFacts;
import dev.fetchbus.content.StoredBody;
import java.util.List;

/**
 * What one fetch produced: a response (any status), or a failure of one taxonomy type. A non-2xx
 * response carries both its status and the {@code http_status} error. {@code discovered} holds the
 * in-scope links of a crawl job's page, or the entries of a sitemap. {@code notModified} marks a 304
 * answer to a conditional request: the page is unchanged and {@code contentHash} is the stored one.
 * {@code body} is the compressed body for the content store, or null when the job keeps none.
 * Built with {@link #builder}, so adding a field touches this file and the one place that sets it.
 */
public record FetchOutcome(
    String finalUrl,
    Integer status,
    String contentType,
    long bytes,
    boolean truncated,
    String contentHash,
    PageFacts facts,
    int redirects,
    String etag,
    String lastModified,
    long fetchedAtMs,
    int elapsedMs,
    FetchError error,
    String errorMessage,
    long retryAfterMs,
    boolean notModified,
    List<Discovered> discovered,
    HttpExchange exchange,
    StoredBody body) {

  public boolean failed() {
    return error != null;
  }

  public String title() {
    return facts.title();
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
    return builder(url).fetchedAt(now).elapsedMs((int) (now - startedMs)).error(failure.type(), failure.getMessage())
        .build();
  }

  public static Builder builder(String finalUrl) {
    return new Builder(finalUrl);
  }

  /** Named construction: every field starts empty, as for a fetch that got no response. */
  public static final class Builder {
    private final String finalUrl;
    private Integer status;
    private String contentType;
    private long bytes;
    private boolean truncated;
    private String contentHash;
    private PageFacts facts = PageFacts.NONE;
    private int redirects;
    private String etag;
    private String lastModified;
    private long fetchedAtMs = System.currentTimeMillis();
    private int elapsedMs;
    private FetchError error;
    private String errorMessage;
    private long retryAfterMs;
    private boolean notModified;
    private List<Discovered> discovered = List.of();
    private HttpExchange exchange = HttpExchange.NONE;
    private StoredBody body;

    private Builder(String finalUrl) {
      this.finalUrl = finalUrl;
    }

    public Builder response(int status, String contentType, int redirects) {
      this.status = status;
      this.contentType = contentType;
      this.redirects = redirects;
      return this;
    }

    public Builder body(long bytes, boolean truncated, String contentHash) {
      this.bytes = bytes;
      this.truncated = truncated;
      this.contentHash = contentHash;
      return this;
    }

    public Builder facts(PageFacts facts) {
      this.facts = facts == null ? PageFacts.NONE : facts;
      return this;
    }

    public Builder validators(String etag, String lastModified) {
      this.etag = etag;
      this.lastModified = lastModified;
      return this;
    }

    public Builder fetchedAt(long fetchedAtMs) {
      this.fetchedAtMs = fetchedAtMs;
      return this;
    }

    public Builder elapsedMs(int elapsedMs) {
      this.elapsedMs = elapsedMs;
      return this;
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

    public Builder notModified(boolean notModified) {
      this.notModified = notModified;
      return this;
    }

    public Builder discovered(List<Discovered> discovered) {
      this.discovered = discovered;
      return this;
    }

    public Builder exchange(HttpExchange exchange) {
      this.exchange = exchange;
      return this;
    }

    public Builder stored(StoredBody body) {
      this.body = body;
      return this;
    }

    public FetchOutcome build() {
      return new FetchOutcome(finalUrl, status, contentType, bytes, truncated, contentHash, facts, redirects, etag,
          lastModified, fetchedAtMs, elapsedMs, error, errorMessage, retryAfterMs, notModified, discovered, exchange,
          body);
    }
  }
}
