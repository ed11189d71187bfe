package dev.fetchbus.extract;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import crawlercommons.domains.EffectiveTldFinder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which discovered URLs a crawl follows. A mode (same host as a seed, same registered domain as a
 * seed, or under a URL prefix at a path-segment boundary), then include patterns (at least one must
 * match, when given) and exclude patterns (none may match). Immutable and thread-safe: it is
 * applied on worker threads.
 */
public final class Scope {
  public enum Mode { HOST, DOMAIN, PREFIX }

  private static final int MAX_PATTERN = 500;
  private final Mode mode;
  private final Set<String> hosts = new LinkedHashSet<>();
  private final Set<String> domains = new LinkedHashSet<>();
  private final List<String> prefixes;
  private final Set<String> prefixHosts = new LinkedHashSet<>();
  private final List<Pattern> include;
  private final List<Pattern> exclude;
  private final JsonObject json;

  private Scope(Mode mode, List<String> seeds, List<String> prefixes, List<Pattern> include, List<Pattern> exclude,
      JsonObject json) {
    this.mode = mode;
    for (String seed : seeds) {
      String host = hostOf(seed);
      hosts.add(host);
      domains.add(domainOf(host));
    }
    this.prefixes = prefixes;
    prefixes.forEach(prefix -> prefixHosts.add(hostOf(prefix)));
    this.include = include;
    this.exclude = exclude;
    this.json = json;
  }

  /**
   * Reads a client's scope for the given (normalised) seeds. Throws {@link IllegalArgumentException}
   * naming the bad field. {@code {"mode": "host" | "domain" | "prefix", "prefixes": [...],
   * "include": [regex...], "exclude": [regex...]}}, every field optional; mode defaults to host.
   */
  public static Scope parse(JsonObject scope, List<String> seeds) {
    JsonObject s = scope == null ? new JsonObject() : scope;
    Mode mode;
    try {
      mode = Mode.valueOf(s.getString("mode", "host").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new IllegalArgumentException("scope.mode must be host, domain or prefix");
    }
    List<String> prefixes = new ArrayList<>();
    for (String prefix : strings(s, "prefixes")) {
      if (!(UrlNormalizer.normalize(prefix) instanceof UrlNormalizer.Accepted ok)) {
        throw new IllegalArgumentException("scope.prefixes holds an invalid URL: " + prefix);
      }
      prefixes.add(ok.url());
    }
    if (mode == Mode.PREFIX && prefixes.isEmpty()) {
      prefixes.addAll(seeds);
    }
    JsonObject stored = new JsonObject().put("mode", mode.name().toLowerCase(Locale.ROOT))
        .put("prefixes", new JsonArray(prefixes)).put("include", new JsonArray(strings(s, "include")))
        .put("exclude", new JsonArray(strings(s, "exclude")));
    return new Scope(mode, seeds, List.copyOf(prefixes), patterns(s, "include"), patterns(s, "exclude"), stored);
  }

  /** The scope as stored with the job: parse it again with {@link #parse} and the same seeds. */
  public JsonObject toJson() {
    return json.copy();
  }

  /** Whether a normalised URL is in scope. */
  public boolean allows(String url) {
    if (!inMode(url)) {
      return false;
    }
    if (!include.isEmpty() && include.stream().noneMatch(p -> p.matcher(url).find())) {
      return false;
    }
    return exclude.stream().noneMatch(p -> p.matcher(url).find());
  }

  /**
   * Whether a child sitemap listed in a sitemap index may be read: it must be on a host the mode
   * covers (a seed's host, a seed's registered domain, or a prefix's host). The prefix path and the
   * include and exclude patterns are rules for pages: sitemaps often sit at a site's root, outside a
   * {@code /docs/} prefix, and still list pages under it; those pages are scoped one by one.
   */
  public boolean allowsSitemap(String url) {
    String host = hostOf(url);
    return switch (mode) {
      case HOST -> hosts.contains(host);
      case DOMAIN -> domains.contains(domainOf(host));
      case PREFIX -> prefixHosts.contains(host);
    };
  }

  private boolean inMode(String url) {
    return switch (mode) {
      case HOST -> hosts.contains(hostOf(url));
      case DOMAIN -> domains.contains(domainOf(hostOf(url)));
      case PREFIX -> prefixes.stream().anyMatch(prefix -> underPrefix(url, prefix));
    };
  }

  /**
   * Whether a normalised URL is under a normalised prefix at a path-segment boundary: a plain string
   * prefix {@code http://h/docs} would also admit {@code http://h/docs-private/}. A prefix ending in
   * {@code /} already ends at a boundary; otherwise the URL must be the prefix itself, go on with
   * {@code /}, or add a query to it.
   */
  static boolean underPrefix(String url, String prefix) {
    if (!url.startsWith(prefix)) {
      return false;
    }
    if (url.length() == prefix.length() || prefix.endsWith("/")) {
      return true;
    }
    char next = url.charAt(prefix.length());
    return next == '/' || next == '?';
  }

  private static String hostOf(String url) {
    return KnownUrls.host(url);
  }

  /** The registered domain (public-suffix aware); a host with none (an IP, localhost) stands for itself. */
  static String domainOf(String host) {
    String domain = EffectiveTldFinder.getAssignedDomain(host, true, false);
    return domain == null || domain.isEmpty() ? host : domain;
  }

  private static List<String> strings(JsonObject s, String field) {
    Object value = s.getValue(field);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array) || array.stream().anyMatch(v -> !(v instanceof String))) {
      throw new IllegalArgumentException("scope." + field + " must be an array of strings");
    }
    return array.stream().map(String.class::cast).toList();
  }

  private static List<Pattern> patterns(JsonObject s, String field) {
    List<Pattern> patterns = new ArrayList<>();
    for (String regex : strings(s, field)) {
      if (regex.length() > MAX_PATTERN) {
        throw new IllegalArgumentException("scope." + field + " patterns are limited to " + MAX_PATTERN
            + " characters");
      }
      try {
        patterns.add(Pattern.compile(regex));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("scope." + field + " holds an invalid pattern (RE2 syntax: no "
            + "backreferences or lookaround): " + e.getDescription());
      }
    }
    return List.copyOf(patterns);
  }
}
