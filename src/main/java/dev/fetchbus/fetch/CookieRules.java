package dev.fetchbus.fetch;

import crawlercommons.domains.EffectiveTldFinder;
import dev.fetchbus.store.StoredCookie;
import io.netty.handler.codec.http.cookie.ClientCookieDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import java.net.URI;
import java.util.Locale;

/**
 * RFC 6265's rules for one cookie: how a Set-Cookie header becomes a stored cookie (section 5.3)
 * and whether a stored cookie goes with a request (section 5.4). Netty's strict decoder parses the
 * header (and turns Expires into Max-Age); the matching is ours. Domain cookies for a public suffix
 * ({@code Domain=com}, {@code Domain=co.uk}) are refused through crawler-commons' suffix list, so
 * one site cannot set a cookie every other site of the crawl would get.
 */
final class CookieRules {
  private static final int MAX_COOKIE_BYTES = 4096;

  private CookieRules() {}

  /** Loads the public suffix list (a file read): call once off the event loops, before the first cookie. */
  static void warmUp() {
    EffectiveTldFinder.getInstance();
  }

  /** The cookie a Set-Cookie header of a response to {@code uri} stores, or null when it must be ignored. */
  static StoredCookie fromHeader(String header, URI uri, long nowMs) {
    Cookie cookie = ClientCookieDecoder.STRICT.decode(header);
    if (cookie == null || cookie.name().length() + cookie.value().length() > MAX_COOKIE_BYTES) {
      return null;
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    if (cookie.isSecure() && !https) {
      return null; // RFC 6265bis: a page over http cannot set (or overwrite) a Secure cookie
    }
    String domain = cookie.domain() == null ? "" : cookie.domain().toLowerCase(Locale.ROOT);
    domain = domain.startsWith(".") ? domain.substring(1) : domain;
    boolean hostOnly = domain.isEmpty();
    if (!hostOnly && isPublicSuffix(domain)) {
      if (!domain.equals(host)) {
        return null;
      }
      hostOnly = true;
    }
    if (!hostOnly && !domainMatches(host, domain)) {
      return null;
    }
    String path = cookie.path() == null || !cookie.path().startsWith("/") ? defaultPath(uri.getRawPath())
        : cookie.path();
    Long expires = cookie.maxAge() == Cookie.UNDEFINED_MAX_AGE ? null
        : cookie.maxAge() <= 0 ? Long.MIN_VALUE : nowMs + Math.min(cookie.maxAge(), 400L * 86_400) * 1000;
    return new StoredCookie(hostOnly ? host : domain, path, cookie.name(), cookie.value(), hostOnly, cookie.isSecure(),
        expires, nowMs);
  }

  /** Whether {@code cookie} goes with a request to {@code uri} (expiry is checked by the jar). */
  static boolean matches(StoredCookie cookie, URI uri) {
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    boolean hostMatch = cookie.hostOnly() ? host.equals(cookie.domain()) : domainMatches(host, cookie.domain());
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return hostMatch && pathMatches(path, cookie.path())
        && (!cookie.secure() || "https".equalsIgnoreCase(uri.getScheme()));
  }

  /** Section 5.1.3: the same host, or a subdomain of a domain (never of an IP address). */
  static boolean domainMatches(String host, String domain) {
    if (host.equals(domain)) {
      return true;
    }
    boolean ip = host.startsWith("[") || host.matches("[0-9.]+");
    return !ip && host.endsWith("." + domain);
  }

  /** Section 5.1.4. */
  static boolean pathMatches(String requestPath, String cookiePath) {
    if (requestPath.equals(cookiePath)) {
      return true;
    }
    return requestPath.startsWith(cookiePath)
        && (cookiePath.endsWith("/") || requestPath.charAt(cookiePath.length()) == '/');
  }

  /** Section 5.1.4: the request path up to, not including, its last '/'; "/" when that leaves nothing. */
  static String defaultPath(String uriPath) {
    if (uriPath == null || !uriPath.startsWith("/")) {
      return "/";
    }
    int last = uriPath.lastIndexOf('/');
    return last == 0 ? "/" : uriPath.substring(0, last);
  }

  /** A listed public suffix, or a single label: the list's default rule ("*") makes every unlisted TLD one. */
  static boolean isPublicSuffix(String domain) {
    if (domain.indexOf('.') < 0) {
      return true;
    }
    EffectiveTldFinder.EffectiveTLD suffix = EffectiveTldFinder.getEffectiveTLD(domain, false);
    return suffix != null && suffix.getDomain().equals(domain);
  }
}
