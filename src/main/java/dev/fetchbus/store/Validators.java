package dev.fetchbus.store;

/**
 * What a server said identifies the version of a page it sent (ETag, Last-Modified), that
 * version's content hash, and the record that holds it ({@code pageJobId}, {@code pageUrlId}; null
 * for validators remembered before V6): enough to ask "has it changed?" and to record an unchanged
 * page as that version.
 */
public record Validators(String etag, String lastModified, String contentHash, Long pageJobId, Long pageUrlId) {

  /** The validators, or null when there is nothing to revalidate with. */
  public static Validators of(String etag, String lastModified, String contentHash, Long pageJobId, Long pageUrlId) {
    return etag == null && lastModified == null ? null
        : new Validators(etag, lastModified, contentHash, pageJobId, pageUrlId);
  }

  public static Validators of(String etag, String lastModified, String contentHash) {
    return of(etag, lastModified, contentHash, null, null);
  }
}
