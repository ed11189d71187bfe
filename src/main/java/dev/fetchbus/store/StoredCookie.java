package dev.fetchbus.store;

/**
 * One cookie of a job's jar, as RFC 6265 section 5.3 stores it: {@code domain} without a leading
 * dot, {@code hostOnly} when it was set without a Domain attribute (sent to that exact host only),
 * {@code expiresMs} null for a session cookie (kept for the job's life). {@code updatedMs} orders
 * the writes of different nodes; a deleted cookie is one that has expired.
 */
public record StoredCookie(String domain, String path, String name, String value, boolean hostOnly, boolean secure,
    Long expiresMs, long updatedMs) {

  /** The jar's key: a cookie with the same domain, path and name replaces this one. */
  public String key() {
    return domain + '\t' + path + '\t' + name;
  }

  public boolean expired(long nowMs) {
    return expiresMs != null && expiresMs <= nowMs;
  }
}
