package dev.fetchbus.extract;

import crawlercommons.filters.basic.BasicURLNormalizer;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Turns a user's or a page's spelling of a URL into the one spelling fetchbus stores and dedupes
 * on (crawler-commons: case, default ports, dot segments, percent-encoding, no fragment), or says
 * why it cannot be fetched. Thread-safe; cheap enough for ingest batches on a worker thread.
 */
public final class UrlNormalizer {
  public static final int MAX_LENGTH = 2048;
  private static final BasicURLNormalizer NORMALIZER = new BasicURLNormalizer();

  /** The outcome for one input line. */
  public sealed interface Result permits Accepted, Rejected {}

  public record Accepted(String url, String host) implements Result {}

  public record Rejected(String reason) implements Result {}

  private UrlNormalizer() {}

  /**
   * The origin of a normalised URL: scheme, host and port ({@code http://example.com:8080}). robots.txt
   * and politeness apply per origin, so two servers on one address are two sites.
   */
  public static String origin(String url) {
    URI uri = URI.create(url);
    return uri.getScheme() + "://" + uri.getRawAuthority();
  }

  public static Result normalize(String raw) {
    String text = raw.strip();
    if (text.length() > MAX_LENGTH) {
      return new Rejected("longer than " + MAX_LENGTH + " characters");
    }
    int colon = text.indexOf(':');
    String scheme = colon > 0 ? text.substring(0, colon).toLowerCase(Locale.ROOT) : "";
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return new Rejected(colon > 0 ? "unsupported scheme '" + scheme + "'" : "not an absolute http(s) URL");
    }
    String normalized = NORMALIZER.filter(text);
    if (normalized == null) {
      return new Rejected("malformed URL");
    }
    try {
      URI uri = new URI(normalized);
      String host = uri.getHost();
      if (host == null || host.isEmpty()) {
        return new Rejected("no host");
      }
      if (uri.getPort() == 0 || uri.getPort() > 65535) {
        return new Rejected("port out of range");
      }
      return new Accepted(normalized, host.toLowerCase(Locale.ROOT));
    } catch (URISyntaxException e) {
      return new Rejected("malformed URL: " + e.getReason());
    }
  }
}
