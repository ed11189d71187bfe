package dev.fetchbus.extract;

import crawlercommons.filters.basic.BasicURLNormalizer;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns a user's or a page's spelling of a URL into the one spelling fetchbus stores and dedupes
 * on (crawler-commons: case, default ports, dot segments, percent-encoding, no fragment), or says
 * why it cannot be fetched. Thread-safe; cheap enough for ingest batches on a worker thread.
 */
public final class UrlNormalizer {
  public static final int MAX_LENGTH = 2048;
  private static final BasicURLNormalizer NORMALIZER = new BasicURLNormalizer();
  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  /** The dotted IPv4 tail an IPv6 literal may end with, as the WHATWG URL standard reads it. */
  private static final Pattern EMBEDDED_IPV4 =
      Pattern.compile(":" + OCTET + "\\." + OCTET + "\\." + OCTET + "\\." + OCTET + "]$");

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
    return open >= 0 && close > open && (pathStart < 0 || open < pathStart)
        && url.substring(open, close).indexOf('%') >= 0;
  }

  /** Whether the host holds an escape of a character that ends or splits an authority. */
  private static boolean decodesToDelimiter(String host) {
    String lower = host.toLowerCase(Locale.ROOT);
    for (String escape : new String[] {"%2f", "%3f", "%23", "%40", "%3a", "%5b", "%5d", "%5c"}) {
      if (lower.contains(escape)) {
        return true;
      }
    }
    return false;
  }

  /** The host of an absolute URL's authority as a browser reads it: without user info and port. */
  private static String host(String url) {
    int[] span = hostSpan(url, true);
    return url.substring(span[0], span[1]);
  }

  /**
   * The host as {@code java.net.URL}, and so crawler-commons, reads it: for them a backslash does
   * not end the authority. Where the two readings differ, both are checked.
   */
  private static String javaHost(String url) {
    int[] span = hostSpan(url, false);
    return url.substring(span[0], span[1]);
  }

  private static String withHost(String url, String host) {
    int[] span = hostSpan(url, true);
    return url.substring(0, span[0]) + host + url.substring(span[1]);
  }

  /** Where the host of an absolute URL starts and ends; a backslash ends the authority if {@code backslashEnds}. */
  private static int[] hostSpan(String url, boolean backslashEnds) {
    int separator = url.indexOf("://");
    if (separator < 0) {
      return new int[] {0, 0};
    }
    int start = separator + 3;
    int end = authorityEnd(url, start, backslashEnds);
    String authority = url.substring(start, end);
    int from = authority.lastIndexOf('@') + 1;
    int colon = authority.lastIndexOf(':');
    int to = colon > from && authority.indexOf(']') < colon ? colon : authority.length();
    return new int[] {start + from, start + to};
  }

  /** Where the authority that starts at {@code from} ends: at the path, query or fragment. */
  private static int authorityEnd(String url, int from, boolean backslashEnds) {
    int end = url.length();
    for (char c : backslashEnds ? new char[] {'/', '?', '#', '\\'} : new char[] {'/', '?', '#'}) {
      int at = url.indexOf(c, from);
      if (at >= 0 && at < end) {
        end = at;
      }
    }
    return end;
  }

  /**
   * The URL with its path and query already as crawler-commons makes them, and without fragment.
   * Two of its steps go wrong (1.5, and 1.6 still), and given their result they have nothing left
   * to do: it finds the query by an index into the path as given, then re-encodes the path, so
   * when that changes the length ('%7E' decoded, a space or 'ä' encoded) the URL is cut in the
   * wrong place ('/%7Euser?page=2' became '/~user?p?ge=2', '/a b?x=1' was refused) or it throws
   * (its issue #559); and it drops '..' segments above the root testing the first one only, so
   * '/../..x/y' lost the segment '..x'.
   */
  private static String normalizePathAndQuery(String url) {
    // split as crawler-commons' java.net.URL does: trimmed, the fragment cut, an authority only
    // when "//" follows the scheme (checked by the caller), up to the first '/' or '?'
    String text = url.trim();
    int fragment = text.indexOf('#');
    if (fragment >= 0) {
      text = text.substring(0, fragment);
    }
    int start = text.indexOf(':') + 1;
    if (text.startsWith("//", start)) {
      start += 2;
      while (start < text.length() && text.charAt(start) != '/' && text.charAt(start) != '?') {
        start++;
      }
    }
    String rest = text.substring(start);
    for (String previous = null; !rest.equals(previous); ) {
      previous = rest;
      rest = BasicURLNormalizer.escapePath(BasicURLNormalizer.unescapePath(rest));
    }
    if (rest.startsWith("/")) {
      int query = rest.indexOf('?');
      try {
        // the path alone, behind an authority that always parses (crawler-commons drops user info)
        String path = new URI("http://host" + (query < 0 ? rest : rest.substring(0, query))).normalize().getRawPath();
        int from = 0;
        while (path.startsWith("/..", from) && (path.length() == from + 3 || path.charAt(from + 3) == '/')) {
          from += 3;
        }
        rest = (from == path.length() ? "/" : path.substring(from)) + (query < 0 ? "" : rest.substring(query));
      } catch (URISyntaxException | IllegalArgumentException e) {
        // a path java.net.URI cannot read: crawler-commons leaves it as it is, and so do we
      }
    }
    return text.substring(0, start) + rest;
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
    if (decodesToDelimiter(host(text)) || decodesToDelimiter(javaHost(text))) {
      // crawler-commons percent-decodes the host: 'evil.com%40good.com' became user info and host good.com
      // (and 'http://\\x@evil%40good.com/' too, where a browser's reading ends the authority at the '\\')
      return new Rejected("a percent-encoded '/', '?', '#', '@', ':', '[', ']' or '\\' in the host");
    }
    Ipv4Host.Parsed ipv4 = Ipv4Host.parse(host(text));
    if (ipv4 instanceof Ipv4Host.Invalid invalid) {
      return new Rejected(invalid.reason());
    }
    if (ipv4 instanceof Ipv4Host.Address address) {
      text = withHost(text, address.dotted());
    }
    String normalized = NORMALIZER.filter(normalizePathAndQuery(text));
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
      if (host.startsWith("[") && host.indexOf('.') >= 0 && !EMBEDDED_IPV4.matcher(host).find()) {
        // Java reads [::0177.0.0.1] as ::177.0.0.1; a browser refuses it (WHATWG: no leading zeros there)
        return new Rejected("an IPv6 host whose IPv4 part is not four plain decimal numbers");
      }
      // crawler-commons percent-decodes and IDNA-maps the host, which can make an IPv4 form the first
      // reading did not see ("0177.0.0.%31", "0177。0。0。1"): a browser reads it as 127.0.0.1, Java
      // as 177.0.0.1 or as a name to look up. So the host it made is read once more.
      Ipv4Host.Parsed decoded = Ipv4Host.parse(host);
      if (decoded instanceof Ipv4Host.Invalid invalid) {
        return new Rejected(invalid.reason());
      }
      if (decoded instanceof Ipv4Host.Address address && !address.dotted().equals(host)) {
        normalized = withHost(normalized, address.dotted());
        host = address.dotted();
      }
      if (uri.getPort() == 0 || uri.getPort() > 65535) {
        return new Rejected("port out of range");
      }
      if (host.endsWith(".")) {
        // crawler-commons drops one trailing dot a pass: 'example.com..' would change again
        return new Rejected("a host that ends in an empty label");
      }
      if (normalized.length() > MAX_LENGTH) {
        // percent-encoding can triple a URL ('ä' is %C3%A4): what is stored must pass this normaliser again
        return new Rejected("longer than " + MAX_LENGTH + " characters once normalised");
      }
      return new Accepted(normalized, host.toLowerCase(Locale.ROOT));
    } catch (URISyntaxException e) {
      return new Rejected("malformed URL: " + e.getReason());
    }
  }
}
