package dev.fetchbus.archive;

import java.time.Instant;
import java.util.List;
import java.util.Map;
/**
 * One stored fetch, as the WARC writer needs it. body is the payload as stored (already de-chunked and
 * content-decoded), null when none (a 304).
 */
public record ArchivedPage(long cursor, String url, Instant fetchedAt, String protocol /* e.g. "HTTP/1.1" */,
    List<Map.Entry<String,String>> requestHeaders, int status, String reason,
    List<Map.Entry<String,String>> responseHeaders, byte[] body, boolean truncated,
    boolean notModified, String contentType) {

  /** The payload to archive: the stored body, or no bytes when there is none. */
  byte[] payload() {
    return body == null ? new byte[0] : body;
  }
}
