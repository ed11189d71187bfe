package dev.fetchbus.extract;

import java.net.MalformedURLException;
import java.net.URL;
import java.util.Map;

/**
 * Resolves a page's references against its base URL, then normalises them, without a regular
 * expression per link. Resolution is {@link URL}'s (as a browser's, lenient about spaces and
 * unusual characters). Normalisation is {@link UrlNormalizer}'s through {@link KnownUrls}, whose
 * memo normalises the navigation links that repeat on every page of a site once.
 */
final class LinkResolver {
  /**
   * Answers by the base's directory and the reference (its fragment cut): the navigation links of a
   * site repeat on every page, and the pages of one directory resolve them alike, so a crawl parsed
   * and normalised the same few thousand pairs again and again (java.net.URL, then the normaliser's
   * memo: about half of extraction's time after the scan). "" stands for "not a URL". Bounded like
   * {@link KnownUrls}.
   */
  private static final DirectoryMemo RESOLVED = new DirectoryMemo(20_000);
  /** Longer references (data: URLs, mostly) are resolved without the memo: they would only fill it. */
  private static final int MEMO_MAX_REFERENCE = 512;

  private final URL base;
  /** The memo's answers for the base's directory: what a non-empty reference's resolution depends on. */
  private final Map<String, String> known;

  private LinkResolver(URL base) {
    this.base = base;
    this.known = base == null ? null : RESOLVED.answers(directoryOf(base));
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
    // names the page itself (the empty reference); cutting it before clean() gives the same target
    String target = KnownUrls.withoutFragment(reference);
    if (!dependsOnDirectoryOnly(target)) {
      return resolveNow(target);
    }
    String answer = known.get(target);
    if (answer == null) {
      String resolved = resolveNow(target);
      answer = resolved == null ? "" : resolved;
      RESOLVED.put(known, target, answer);
    }
    return answer.isEmpty() ? null : answer;
  }

  /** The reference resolved and normalised without the memo (what the memo keeps). */
  String resolveNow(String target) {
    URL absolute = resolve(base, clean(target));
    return absolute == null ? null : normalised(absolute.toExternalForm());
  }

  /**
   * Whether a reference resolves alike against every base of the same directory: not an empty one
   * (the base itself) nor a query alone (the base's path with it), and not too long to memoise.
   */
  private static boolean dependsOnDirectoryOnly(String target) {
    if (target.length() > MEMO_MAX_REFERENCE) {
      return false;
    }
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c > ' ') {
        return c != '?';
      }
    }
    return false;
  }

  /**
   * Scheme, authority and the path up to its last '/': the part of the base a non-empty reference
   * keeps. An empty path stays empty: URL resolves "http:z" against "http://h/" but not against "http://h".
   */
  static String directoryOf(URL base) {
    String path = base.getPath();
    int slash = path.lastIndexOf('/');
    String authority = base.getAuthority() == null ? "" : base.getAuthority();
    return base.getProtocol() + "://" + authority + (slash < 0 ? "" : path.substring(0, slash + 1));
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
