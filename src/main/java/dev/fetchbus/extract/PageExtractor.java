package dev.fetchbus.extract;

import dev.fetchbus.content.PageFacts;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Reads what fetchbus records about a page: its content hash always, and for HTML its title,
 * description, canonical URL, language, followable links and requisites. One pass of
 * {@link HtmlScanner} over the bytes, no DOM: crawling is the hot path. CPU work: call it on a
 * worker thread, never an event loop.
 *
 * <p>Links come from {@code a[href]}, {@code area[href]}, frames, iframes, a {@code meta refresh}
 * target and {@code link rel=canonical}, resolved against {@code <base href>} when there is one,
 * normalised, without fragments, without {@code rel=nofollow} anchors, each once.
 */
public final class PageExtractor {

  /** What extraction found: the content hash, and for HTML the page's facts ({@link PageFacts#NONE} otherwise). */
  public record Extracted(String contentHash, PageFacts facts) {
    public String title() {
      return facts.title();
    }

    public Integer links() {
      return facts.links();
    }

    public String canonical() {
      return facts.canonical();
    }

    public List<String> outlinks() {
      return facts.outlinks();
    }
  }

  private PageExtractor() {}

  public static Extracted extract(byte[] body, String contentType, String baseUrl) {
    return new Extracted(ContentHash.sha256(body),
        isHtml(contentType) ? facts(body, contentType, baseUrl) : PageFacts.NONE);
  }

  /** The facts of an HTML body (no hash). */
  public static PageFacts facts(byte[] body, String contentType, String baseUrl) {
    Charset charset = Charsets.of(contentType, body);
    byte[] bytes = body;
    if (!Charsets.asciiCompatible(charset)) {
      // UTF-16 and the like: the scanner reads ASCII bytes, so re-encode (rare on the web)
      bytes = new String(body, charset).getBytes(StandardCharsets.UTF_8);
      charset = StandardCharsets.UTF_8;
    }
    PageCollector collector = new PageCollector();
    new HtmlScanner(bytes, charset, PageCollector.TAGS, collector).scan(bytes.length);
    return collector.facts(baseUrl);
  }

  /** Only the content hash: for jobs that store records without parsing pages. */
  public static Extracted hashOnly(byte[] body) {
    return new Extracted(ContentHash.sha256(body), PageFacts.NONE);
  }

  public static boolean isHtml(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = contentType.toLowerCase(Locale.ROOT);
    return type.startsWith("text/html") || type.startsWith("application/xhtml+xml");
  }

  /** The charset named by a Content-Type header, if Java knows it. */
  static String charsetOf(String contentType) {
    Charset charset = contentType == null ? null : Charsets.named(contentType);
    return charset == null ? null : charset.name();
  }
}
