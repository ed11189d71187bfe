package dev.fetchbus.extract;

import java.net.MalformedURLException;
import java.net.URL;

/**
 * Resolves a page's references against its base URL, then normalises them, without a regular
 * expression per link. Resolution is {@link URL}'s (as a browser's, lenient about spaces and
 * unusual characters). Normalisation is {@link UrlNormalizer}'s through {@link KnownUrls}, whose
 * memo normalises the navigation links that repeat on every page of a site once.
 */
final class LinkResolver {
  private final URL base;

  private LinkResolver(URL base) {
    this.base = base;
  }

  /** A resolver for a page at {@code pageUrl}; with {@code baseHref}, against {@code <base href>} as browsers do. */
  static LinkResolver of(String pageUrl, String baseHref) {
    URL page = parse(pageUrl);
    if (page != null && baseHref != null) {
      URL declared = resolve(page, clean(baseHref));
      if (declared != null) {
        return new LinkResolver(declared);
      }
    }
    return new LinkResolver(page);
  }

  /** The normalised absolute http(s) URL a reference names, or null. */
  String resolve(String reference) {
    if (reference == null || base == null) {
      return null;
    }
    // the fragment goes before resolving: it never changes the page a link names, and "#top" alone
    // names the page itself (the empty reference)
    URL absolute = resolve(base, KnownUrls.withoutFragment(clean(reference)));
    return absolute == null ? null : normalised(absolute.toExternalForm());
  }

  /** The normalised spelling of an absolute URL, or null (memoised). */
  static String normalised(String absolute) {
    return absolute.isEmpty() ? null : KnownUrls.normalised(absolute);
  }

  private static URL resolve(URL base, String reference) {
    try {
      if (reference.startsWith("?")) {
        // URL's own resolution drops the last path segment for a query-only reference (RFC 3986 keeps it)
        return new URL(base.getProtocol(), base.getHost(), base.getPort(), base.getPath() + reference);
      }
      return new URL(base, reference);
    } catch (MalformedURLException | IllegalArgumentException e) {
      return null;
    }
  }

  private static URL parse(String url) {
    try {
      return new URL(url);
    } catch (MalformedURLException e) {
      return null;
    }
  }

  /** Leading and trailing spaces and controls go, and tabs and line breaks inside (as the URL standard says). */
  static String clean(String reference) {
    int start = 0;
    int end = reference.length();
    while (start < end && reference.charAt(start) <= ' ') {
      start++;
    }
    while (end > start && reference.charAt(end - 1) <= ' ') {
      end--;
    }
    String trimmed = reference.substring(start, end);
    if (trimmed.indexOf('\t') < 0 && trimmed.indexOf('\n') < 0 && trimmed.indexOf('\r') < 0) {
      return trimmed;
    }
    return trimmed.replace("\t", "").replace("\n", "").replace("\r", "");
  }
}
