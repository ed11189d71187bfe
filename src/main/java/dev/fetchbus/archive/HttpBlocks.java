package dev.fetchbus.archive;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP message heads that go into request, response and revisit records. They are written
 * here, not with jwarc's HttpRequest/HttpResponse builders, because those keep headers in a sorted
 * map: an archive should show the headers in the order they were sent.
 */
final class HttpBlocks {
  /**
   * Headers that describe the bytes on the wire, not the decoded payload fetchbus stored. Kept
   * under an {@code X-Archive-Orig-} name (the warcprox/pywb convention) so nothing is lost and no
   * reader tries to de-chunk or inflate a payload that is already plain.
   */
  private static final Set<String> WIRE_HEADERS = Set.of("transfer-encoding", "content-encoding", "content-length");
  static final String ORIG_PREFIX = "X-Archive-Orig-";

  private HttpBlocks() {}

  /** {@code GET path?query VERSION}, then the request headers in order (Host first if missing). */
  static byte[] requestHead(ArchivedPage page, URI target) {
    String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
    String query = target.getRawQuery() == null ? "" : "?" + target.getRawQuery();
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    if (!has(page.requestHeaders(), "host")) {
      // HTTP/1.1 needs Host, and replay tools read the host from it; HTTP/2 clients send :authority instead
      headers.add(Map.entry("Host", target.getRawAuthority()));
    }
    headers.addAll(list(page.requestHeaders()));
    return head("GET " + path + query + " " + version(page.protocol()), headers);
  }

  /** The status line and the archived response headers. */
  static byte[] responseHead(ArchivedPage page, List<Map.Entry<String, String>> headers) {
    String reason = page.reason() == null ? "" : page.reason();
    return head(version(page.protocol()) + " " + page.status() + " " + clean(reason), headers);
  }

  /**
   * The response headers as archived: wire-level headers renamed, and a Content-Length for the
   * payload kept when there is one ({@code payloadLength < 0}: a 304, which carries none).
   */
  static List<Map.Entry<String, String>> archivedResponseHeaders(ArchivedPage page, long payloadLength) {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (Map.Entry<String, String> header : list(page.responseHeaders())) {
      String name = header.getKey();
      boolean wire = WIRE_HEADERS.contains(name.toLowerCase(Locale.ROOT));
      headers.add(Map.entry(wire ? ORIG_PREFIX + name : name, header.getValue()));
    }
    if (payloadLength >= 0) {
      headers.add(Map.entry("Content-Length", Long.toString(payloadLength)));
    }
    return headers;
  }

  /**
   * jwarc and warcio parse {@code HTTP/major.minor} in a request line; "HTTP/2" (as HTTP clients
   * name it) is written as "HTTP/2.0" so the record reads back everywhere.
   */
  static String version(String protocol) {
    if (protocol == null || protocol.isBlank()) {
      return "HTTP/1.1";
    }
    String version = protocol.strip().toUpperCase(Locale.ROOT);
    return version.matches("HTTP/\\d") ? version + ".0" : version;
  }

  private static byte[] head(String startLine, List<Map.Entry<String, String>> headers) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    line(out, startLine);
    for (Map.Entry<String, String> header : headers) {
      line(out, clean(header.getKey()) + ": " + clean(header.getValue()));
    }
    line(out, "");
    return out.toByteArray();
  }

  /**
   * Header text came from the HTTP client as ISO-8859-1 characters (one per byte received), so a
   * line made only of those goes back to the exact bytes; anything wider was not from the wire
   * and is written as UTF-8.
   */
  private static void line(ByteArrayOutputStream out, String text) {
    boolean latin1 = text.chars().allMatch(c -> c <= 0xFF);
    out.writeBytes(text.getBytes(latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
    out.writeBytes(new byte[] {'\r', '\n'});
  }

  /** A CR or LF inside a value would end the head early and corrupt the record. */
  private static String clean(String text) {
    return text == null ? "" : text.replace('\r', ' ').replace('\n', ' ');
  }

  static boolean has(List<Map.Entry<String, String>> headers, String name) {
    return list(headers).stream().anyMatch(h -> h.getKey().equalsIgnoreCase(name));
  }

  /** All values of a header, in order; names compare case-insensitively. */
  static List<String> values(List<Map.Entry<String, String>> headers, String name) {
    return list(headers).stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
  }

  private static List<Map.Entry<String, String>> list(List<Map.Entry<String, String>> headers) {
    return headers == null ? List.of() : headers;
  }
}
