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

  /** Whether the authority holds an IPv6 literal with a zone identifier ({@code [fe80::1%25eth0]}). */
  private static boolean hasZoneId(String url) {
    int open = url.indexOf('[');
    int close = url.indexOf(']', open + 1);
    int pathStart = url.indexOf('/', url.indexOf("//") + 2);
    return open >= 0 && close > open && (pathStart < 0 || open < pathStart) && url.substring(open, close).indexOf('%') >= 0;
  }

  /** The host of an absolute URL's authority: without user info and port. */
  private static String host(String url) {
    int[] span = hostSpan(url);
    return url.substring(span[0], span[1]);
  }

  private static String withHost(String url, String host) {
    int[] span = hostSpan(url);
    return url.substring(0, span[0]) + host + url.substring(span[1]);
  }

  /** Where the host of an absolute URL starts and ends. */
  private static int[] hostSpan(String url) {
    int separator = url.indexOf("://");
    if (separator < 0) {
      return new int[] {0, 0};
    }
    int start = separator + 3;
    int end = authorityEnd(url, start);
    String authority = url.substring(start, end);
    int from = authority.lastIndexOf('@') + 1;
    int colon = authority.lastIndexOf(':');
    int to = colon > from && authority.indexOf(']') < colon ? colon : authority.length();
    return new int[] {start + from, start + to};
  }

  /** Where the authority that starts at {@code from} ends: at the path, query or fragment. */
  private static int authorityEnd(String url, int from) {
    int end = url.length();
    for (char c : new char[] {'/', '?', '#', '\\'}) {
      int at = url.indexOf(c, from);
      if (at >= 0 && at < end) {
        end = at;
      }
    }
    return end;
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
    if (hasZoneId(text)) {
      // fe80::1%lo names an interface of the machine that reads it: never a host on the web, and
      // crawler-commons decodes %25 to a bare % that it then cannot read again
      return new Rejected("an IPv6 zone identifier (the % in the brackets) names a local interface");
    }
    Ipv4Host.Parsed ipv4 = Ipv4Host.parse(host(text));
    if (ipv4 instanceof Ipv4Host.Invalid invalid) {
      return new Rejected(invalid.reason());
    }
    if (ipv4 instanceof Ipv4Host.Address address) {
      text = withHost(text, address.dotted());
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
      if (host.indexOf('%') >= 0) {
        return new Rejected("a percent-encoded host");
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
