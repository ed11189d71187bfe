package dev.fetchbus.archive;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Stored pages of the kinds an export meets, as the store would hand them over. */
final class ArchiveFixtures {
  static final long JOB = 42;
  static final Instant CREATED = Instant.parse("2025-03-01T10:00:00Z");
  static final String SOFTWARE = "fetchbus/0.1.0-test";
  static final String FILENAME = "fetchbus-job-42.warc.gz";
  static final byte[] SHARED_BODY = "<html><body>same bytes on two URLs</body></html>".getBytes(StandardCharsets.UTF_8);

  private ArchiveFixtures() {}

  static List<ArchivedPage> pages() {
    return List.of(
        page(1, "https://example.com/", 200, "OK", List.of(
            h("Date", "Sat, 01 Mar 2025 10:00:01 GMT"), h("Content-Type", "text/html; charset=utf-8"),
            h("Content-Length", "52"), h("Set-Cookie", "a=1"), h("Server", "nginx"), h("Set-Cookie", "b=2")),
            utf8("<html><head><title>Home</title></head><body>é</body></html>")),
        page(2, "https://example.com/missing", 404, "Not Found",
            List.of(h("Content-Type", "text/html"), h("Content-Length", "9")), utf8("not found")),
        page(3, "http://www.example.com:8080/old", 301, "Moved Permanently",
            List.of(h("Location", "https://example.com/new/./place/../page?b=2&a=1"), h("Content-Length", "0")),
            new byte[0]),
        page(4, "https://example.com/new/page?b=2&a=1", 200, "OK",
            List.of(h("Content-Type", "text/plain"), h("Content-Encoding", "gzip"), h("Content-Length", "31"),
                h("Vary", "Accept-Encoding")), utf8("decoded text of a gzipped origin response")),
        page(5, "https://example.com/chunked", 200, "OK",
            List.of(h("content-type", "application/json"), h("transfer-encoding", "chunked")),
            utf8("{\"chunked\":true}")),
        truncated(6, "https://example.com/big.bin"),
        notModified(7, "https://example.com/cached.css"),
        page(8, "https://example.com/copy-a", 200, "OK", List.of(h("Content-Type", "text/html")), SHARED_BODY),
        page(9, "https://example.org/copy-b?x=1", 200, "OK", List.of(h("Content-Type", "text/html")), SHARED_BODY),
        page(10, "https://bücher.example/straße/ünïcode?q=größe&z=1&a='quoted'", 200, "OK",
            List.of(h("Content-Type", "text/html;charset=UTF-8")), utf8("<p>Größe</p>")),
        page(11, "https://example.net/caf%C3%A9?q=%E2%82%AC&Q=Upper", 200, "OK",
            List.of(h("Content-Type", "Text/HTML ; charset=iso-8859-1")), utf8("percent-encoded already")),
        http2(12, "https://www2.example.com/h2"),
        noResponse(13, "https://unreachable.example/"),
        page(14, "https://example.com/empty", 204, "No Content", List.of(h("Server", "x")), null));
  }

  static ArchivedPage page(long cursor, String url, int status, String reason,
      List<Map.Entry<String, String>> responseHeaders, byte[] body) {
    return new ArchivedPage(cursor, url,
        Instant.parse("2025-03-01T10:00:00Z").plusSeconds(cursor * 7).plusMillis(cursor),
        "HTTP/1.1", requestHeaders(), status, reason, responseHeaders, body, false, false,
        body == null ? null : "text/html");
  }

  private static ArchivedPage truncated(long cursor, String url) {
    byte[] body = new byte[3000];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) (i * 31);
    }
    ArchivedPage p = page(cursor, url, 200, "OK",
        List.of(h("Content-Type", "application/octet-stream"), h("Content-Length", "50000")), body);
    return copy(p, p.protocol(), p.status(), p.reason(), p.responseHeaders(), body, true, false);
  }

  private static ArchivedPage notModified(long cursor, String url) {
    ArchivedPage p = page(cursor, url, 304, "Not Modified",
        List.of(h("ETag", "\"abc\""), h("Cache-Control", "max-age=60"), h("Content-Length", "1234")), null);
    return copy(p, p.protocol(), 304, p.reason(), p.responseHeaders(), null, false, true);
  }

  private static ArchivedPage http2(long cursor, String url) {
    ArchivedPage p = page(cursor, url, 200, null, List.of(h("content-type", "text/html")), utf8("<p>over h2</p>"));
    return copy(p, "HTTP/2", 200, null, p.responseHeaders(), p.body(), false, false);
  }

  private static ArchivedPage noResponse(long cursor, String url) {
    ArchivedPage p = page(cursor, url, 0, null, List.of(), null);
    return copy(p, p.protocol(), 0, null, List.of(), null, false, false);
  }

  static ArchivedPage copy(ArchivedPage p, String protocol, int status, String reason,
      List<Map.Entry<String, String>> headers, byte[] body, boolean truncated, boolean notModified) {
    return new ArchivedPage(p.cursor(), p.url(), p.fetchedAt(), protocol, p.requestHeaders(), status, reason,
        headers, body, truncated, notModified, p.contentType());
  }

  static List<Map.Entry<String, String>> requestHeaders() {
    return List.of(h("User-Agent", "fetchbus/0.1 (+https://fetchbus.dev/bot)"), h("Accept", "*/*"),
        h("Accept-Encoding", "gzip, deflate"), h("Connection", "keep-alive"));
  }

  static Map.Entry<String, String> h(String name, String value) {
    return Map.entry(name, value);
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The whole file for these pages, as the service would write it. */
  static byte[] warc(WarcStream stream, List<ArchivedPage> pages) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(stream.warcinfo());
    for (ArchivedPage page : pages) {
      out.writeBytes(stream.append(page));
    }
    return out.toByteArray();
  }

  static WarcStream stream() {
    return new WarcStream(JOB, CREATED, SOFTWARE, FILENAME);
  }
}
