package dev.fetchbus.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The cookies a job starts its jar with: {@code {"name", "value", "domain", "path"?, "secure"?}}.
 * A seed is sent to its {@code domain} host only (host-only, as a cookie set without a Domain
 * attribute), so a session cookie given for one site never reaches the sites a crawl finds.
 */
final class CookieSeeds {
  private static final Set<String> FIELDS = Set.of("name", "value", "domain", "path", "secure");
  /** RFC 6265 section 6.1: name, value and attributes of 4096 bytes at least; what fits that is taken. */
  static final int MAX_COOKIE_BYTES = 4096;

  private CookieSeeds() {}

  /** The seeds, checked and in a normal form (lower-case domain, a path, a secure flag). */
  static JsonArray check(JsonArray seeds, Settings.JobLimits limits) {
    if (limits != null && seeds.size() > limits.maxCookies()) {
      throw JobRequestsParser.invalid("Option 'cookies' may seed at most " + limits.maxCookies() + " cookies, got "
          + seeds.size() + " (job.maxCookies)");
    }
    JsonArray out = new JsonArray();
    for (Object item : seeds) {
      if (!(item instanceof JsonObject seed) || !FIELDS.containsAll(seed.fieldNames())) {
        throw JobRequestsParser.invalid("Each cookie must be {name, value, domain, path?, secure?}, got " + item);
      }
      out.add(one(seed));
    }
    return out;
  }

  private static JsonObject one(JsonObject seed) {
    Object name = seed.getValue("name");
    Object value = seed.getValue("value");
    if (!(name instanceof String n) || !JobRequestsParser.isToken(n)) {
      throw JobRequestsParser.invalid("Option 'cookies': a cookie name must be a token (RFC 6265), got '" + name + "'");
    }
    if (!(value instanceof String v) || !JobRequestsParser.isCookieValue(v)) {
      throw JobRequestsParser.invalid("Option 'cookies': the value of " + n + " has characters a cookie cannot carry "
          + "(controls, space, '\"', ',', ';' or '\\\\')");
    }
    String domain = JobRequestsParser.host(seed.getValue("domain"), "cookies");
    Object path = seed.getValue("path", "/");
    if (!(path instanceof String p) || !p.startsWith("/")
        || p.chars().anyMatch(c -> c < 0x20 || c == ';' || c > 0x7E)) {
      throw JobRequestsParser.invalid("Option 'cookies': the path of " + n + " must start with '/', without ';'");
    }
    Object secure = seed.getValue("secure", false);
    if (!(secure instanceof Boolean s)) {
      throw JobRequestsParser.invalid("Option 'cookies': secure of " + n + " must be true or false");
    }
    if (n.length() + v.length() + domain.length() + p.length() > MAX_COOKIE_BYTES) {
      throw JobRequestsParser.invalid("Option 'cookies': " + n + " is longer than " + MAX_COOKIE_BYTES + " bytes");
    }
    return new JsonObject().put("name", n).put("value", v).put("domain", domain).put("path", p).put("secure", s);
  }
}
