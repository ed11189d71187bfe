package dev.fetchbus.fetch;

/**
 * The one failure taxonomy for fetches. Every failed fetch maps to exactly one of these, chosen
 * by exception type or status, never by message text. Each type says whether a retry may help.
 */
public enum FetchError {
  TIMEOUT("timeout", true),
  DNS("dns", false),
  REFUSED("refused", true),
  RESET("reset", true),
  TLS("tls", false),
  TOO_LARGE("too_large", false),
  ROBOTS("robots", false),
  /** robots.txt could not be read (5xx, timeout...): retried, and recorded as {@code robots} at the end. */
  ROBOTS_UNAVAILABLE("robots", true),
  BLOCKED("blocked", false),
  REDIRECT_LOOP("redirect_loop", false),
  BAD_URL("bad_url", false),
  HTTP_STATUS("http_status", false),
  PROTOCOL("protocol", false),
  /** The proxy refused the request: authentication required or failed (407, SOCKS5), CONNECT denied. */
  PROXY("proxy", false),
  /**
   * The proxy could not be reached (refused, timed out, its name did not resolve): retried, recorded as {@code proxy}.
   */
  PROXY_UNREACHABLE("proxy", true),
  /**
   * Claimed more than {@code fetch.maxAttempts} times without an attempt ever finishing: each time,
   * the node that held it died or stalled with it in flight. Recorded without another fetch, so a
   * page that crashes nodes cannot be claimed forever.
   */
  POISON("poison", false),
  IO("io", true);

  private final String code;
  private final boolean retryable;

  FetchError(String code, boolean retryable) {
    this.code = code;
    this.retryable = retryable;
  }

  public String code() {
    return code;
  }

  /** Whether another attempt may succeed. HTTP statuses decide for themselves: see {@link #retryableStatus}. */
  public boolean retryable() {
    return retryable;
  }

  /** 408, 429 and 5xx are worth a later attempt; other statuses are the page's real answer. */
  public static boolean retryableStatus(int status) {
    return status == 408 || status == 429 || status >= 500;
  }
}
