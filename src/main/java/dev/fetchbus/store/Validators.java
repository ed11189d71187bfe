package dev.fetchbus.store;

/**
 * What a server said identifies the version of a page it sent (ETag, Last-Modified), and that
 * version's content hash: enough to ask "has it changed?" and to record an unchanged page.
 */
public record Validators(String etag, String lastModified, String contentHash) {

  /** The validators, or null when there is nothing to revalidate with. */
  public static Validators of(String etag, String lastModified, String contentHash) {
    return etag == null && lastModified == null ? null : new Validators(etag, lastModified, contentHash);
  }
}
