package dev.fetchbus.extract;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Reads what fetchbus records about a page: its content hash always, and for HTML its title and
 * the number of followable links. CPU work: call it on a worker thread, never an event loop.
 */
public final class PageExtractor {
  private static final Pattern CHARSET = Pattern.compile("(?i)charset\\s*=\\s*\"?([^\\s;\"]+)");
  private static final int MAX_TITLE = 1000;

  /** What extraction found. {@code title} and {@code links} are null for non-HTML bodies. */
  public record Extracted(String contentHash, String title, Integer links) {}

  private PageExtractor() {}

  public static Extracted extract(byte[] body, String contentType, String baseUrl) {
    String hash = ContentHash.sha256(body);
    if (!isHtml(contentType)) {
      return new Extracted(hash, null, null);
    }
    Document doc = parse(body, charsetOf(contentType), baseUrl);
    String title = doc.title().strip();
    if (title.length() > MAX_TITLE) {
      title = title.substring(0, MAX_TITLE);
    }
    return new Extracted(hash, title.isEmpty() ? null : title, countLinks(doc));
  }

  public static boolean isHtml(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = contentType.toLowerCase(Locale.ROOT);
    return type.startsWith("text/html") || type.startsWith("application/xhtml+xml");
  }

  /** The charset named by a Content-Type header, if Java knows it; otherwise jsoup reads the meta tag. */
  static String charsetOf(String contentType) {
    Matcher m = CHARSET.matcher(contentType);
    if (!m.find()) {
      return null;
    }
    try {
      return Charset.forName(m.group(1)).name();
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      return null;
    }
  }

  private static Document parse(byte[] body, String charset, String baseUrl) {
    try {
      return Jsoup.parse(new ByteArrayInputStream(body), charset, baseUrl);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int countLinks(Document doc) {
    int links = 0;
    for (Element a : doc.select("a[href], area[href]")) {
      boolean sameDocument = a.attr("href").strip().startsWith("#");
      if (!sameDocument && !a.attr("rel").toLowerCase(Locale.ROOT).contains("nofollow") && isWeb(a.absUrl("href"))) {
        links++;
      }
    }
    for (Element frame : doc.select("frame[src], iframe[src]")) {
      if (isWeb(frame.absUrl("src"))) {
        links++;
      }
    }
    return links;
  }

  private static boolean isWeb(String url) {
    return url.startsWith("http://") || url.startsWith("https://");
  }
}
