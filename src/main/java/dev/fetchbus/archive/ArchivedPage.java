package dev.fetchbus.archive;
/** One stored fetch, as the WARC writer needs it. body is the payload as stored (already de-chunked and content-decoded), null when none (a 304). */
public record ArchivedPage(long cursor, String url, java.time.Instant fetchedAt, String protocol /* e.g. "HTTP/1.1" */,
    java.util.List<java.util.Map.Entry<String,String>> requestHeaders, int status, String reason,
    java.util.List<java.util.Map.Entry<String,String>> responseHeaders, byte[] body, boolean truncated,
    boolean notModified, String contentType) {

  /** The payload to archive: the stored body, or no bytes when there is none. */
  byte[] payload() {
    return body == null ? new byte[0] : body;
  }
}
