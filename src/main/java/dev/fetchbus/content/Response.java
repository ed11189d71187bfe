package dev.fetchbus.content;

/**
 * What came back for one URL: the part a fetch's outcome and the record stored for it have in
 * common, held by both ({@code FetchOutcome}, {@code PageRecord}) so that a new response field is
 * declared here, once, and reaches the store without being copied field by field. Every field is
 * empty (null, 0, false, {@link PageFacts#NONE}, {@link HttpExchange#NONE}) when no response came.
 * {@code notModified} marks a 304 answer to a conditional request: {@code contentHash} is then the
 * stored one. {@code body} is the compressed body for the content store, or null when none is kept.
 */
public record Response(
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
    boolean notModified,
    HttpExchange exchange,
    StoredBody body) {

  public String title() {
    return facts.title();
  }

  /** A builder of a bare response (a fetch's outcome has its own, which adds its fields: FetchOutcome.builder). */
  public static Plain builder(String finalUrl) {
    return new Plain(finalUrl);
  }

  /** Builds a {@link Response} alone. */
  public static final class Plain extends Builder<Plain> {
    private Plain(String finalUrl) {
      super(finalUrl);
    }

    public Response build() {
      return response();
    }
  }

  /**
   * Named construction: every field starts empty, as for a fetch that got no response. {@code B} is
   * the concrete builder, so one that adds fields of its own keeps chaining through these setters.
   */
  public abstract static class Builder<B extends Builder<B>> {
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
    private boolean notModified;
    private HttpExchange exchange = HttpExchange.NONE;
    private StoredBody body;

    protected Builder(String finalUrl) {
      this.finalUrl = finalUrl;
    }

    @SuppressWarnings("unchecked")
    private B self() {
      return (B) this;
    }

    /** The response built so far, for the concrete builder's {@code build}. */
    protected final Response response() {
      return new Response(finalUrl, status, contentType, bytes, truncated, contentHash, facts, redirects, etag,
          lastModified, fetchedAtMs, elapsedMs, notModified, exchange, body);
    }

    public B response(int status, String contentType, int redirects) {
      this.status = status;
      this.contentType = contentType;
      this.redirects = redirects;
      return self();
    }

    public B body(long bytes, boolean truncated, String contentHash) {
      this.bytes = bytes;
      this.truncated = truncated;
      this.contentHash = contentHash;
      return self();
    }

    public B facts(PageFacts facts) {
      this.facts = facts == null ? PageFacts.NONE : facts;
      return self();
    }

    public B validators(String etag, String lastModified) {
      this.etag = etag;
      this.lastModified = lastModified;
      return self();
    }

    public B fetchedAt(long fetchedAtMs) {
      this.fetchedAtMs = fetchedAtMs;
      return self();
    }

    public B elapsedMs(int elapsedMs) {
      this.elapsedMs = elapsedMs;
      return self();
    }

    public B notModified(boolean notModified) {
      this.notModified = notModified;
      return self();
    }

    public B exchange(HttpExchange exchange) {
      this.exchange = exchange;
      return self();
    }

    public B stored(StoredBody body) {
      this.body = body;
      return self();
    }
  }
}
