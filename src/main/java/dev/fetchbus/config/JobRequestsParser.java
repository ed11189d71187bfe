package dev.fetchbus.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.IDN;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a job's {@code userAgent}, {@code headers}, {@code cookies} and {@code auth} options.
 * Headers that would change how the message is framed or routed (Host, Content-Length, hop-by-hop
 * ones), or that fetchbus sets itself (User-Agent, Accept-Encoding, the conditional ones), are
 * refused: a job must not be able to smuggle a second request or break revalidation. Every name
 * and value is checked here so that no CR/LF can reach the wire.
 */
final class JobRequestsParser {
  static final Set<String> KEYS = Set.of("userAgent", "headers", "cookies", "auth");
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  /** Visible ASCII, space and tab: no CR, LF or other controls, nothing a server might decode differently. */
  private static final Pattern FIELD_VALUE = Pattern.compile("[\\x20-\\x7E\\t]*");
  private static final Pattern COOKIE_VALUE =
      Pattern.compile("\"?[\\x21\\x23-\\x2B\\x2D-\\x3A\\x3C-\\x5B\\x5D-\\x7E]*\"?");
  private static final Pattern TOKEN68 = Pattern.compile("[A-Za-z0-9._~+/-]+=*");
  private static final Pattern HOST = Pattern.compile(
      "[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*|\\[[0-9a-f:.]+\\]");
  private static final Set<String> REFUSED = Set.of("host", "content-length", "transfer-encoding", "connection",
      "keep-alive", "te", "trailer", "upgrade", "expect", "user-agent", "accept-encoding", "if-none-match",
      "if-modified-since");

  private final Settings.JobLimits limits;
  private int count;
  private int bytes;

  private JobRequestsParser(Settings.JobLimits limits) {
    this.limits = limits;
  }

  /** Parses the request options; {@code limits} null reads stored options, which were bounded when stored. */
  static JobRequests read(JsonObject o, Settings.JobLimits limits) {
    return new JobRequestsParser(limits).parse(o);
  }

  private JobRequests parse(JsonObject o) {
    JsonObject json = new JsonObject();
    String agent = userAgent(o.getValue("userAgent"));
    List<Map.Entry<String, String>> all = new ArrayList<>();
    Map<String, List<Map.Entry<String, String>>> scoped = new LinkedHashMap<>();
    Object headers = o.getValue("headers");
    if (headers instanceof JsonObject object) {
      all = headerMap(object, "headers");
    } else if (headers instanceof JsonArray list) {
      hostEntries(list, scoped);
    } else if (headers != null) {
      throw invalid("Option 'headers' must be an object of name: value, or a list of {host, headers}");
    }
    Object auth = o.getValue("auth");
    if (auth != null) {
      auth(auth, scoped);
    }
    Object cookies = o.getValue("cookies");
    if ("true".equals(cookies) || "false".equals(cookies)) {
      cookies = Boolean.valueOf((String) cookies); // a query parameter of a text/plain upload
    }
    JsonArray seeds = cookies instanceof JsonArray list ? CookieSeeds.check(list, limits) : new JsonArray();
    if (cookies != null && !(cookies instanceof Boolean) && !(cookies instanceof JsonArray)) {
      throw invalid("Option 'cookies' must be true, false or a list of {name, value, domain, path}");
    }
    boolean jar = Boolean.TRUE.equals(cookies) || cookies instanceof JsonArray;
    KEYS.forEach(key -> {
      if (o.getValue(key) != null) {
        json.put(key, key.equals("cookies") ? (seeds.isEmpty() ? (Object) jar : seeds) : o.getValue(key));
      }
    });
    return new JobRequests(agent, List.copyOf(all), Map.copyOf(scoped), jar, seeds, json);
  }

  private String userAgent(Object raw) {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof String agent) || agent.isBlank() || !FIELD_VALUE.matcher(agent).matches()
        || !TOKEN.matcher(JobRequests.agentToken(agent)).matches()) {
      throw invalid("Option 'userAgent' must be printable ASCII with no control characters, starting with a "
          + "product token (name/version), got '" + raw + "'");
    }
    if (limits != null && agent.length() > limits.maxUserAgentLength()) {
      throw invalid("Option 'userAgent' must be at most " + limits.maxUserAgentLength() + " characters, got "
          + agent.length() + " (job.maxUserAgentLength)");
    }
    return agent.strip();
  }

  private void hostEntries(JsonArray list, Map<String, List<Map.Entry<String, String>>> scoped) {
    for (Object item : list) {
      if (!(item instanceof JsonObject entry) || !(entry.getValue("headers") instanceof JsonObject headers)
          || !entry.fieldNames().equals(Set.of("host", "headers"))) {
        throw invalid("Each entry of 'headers' must be {\"host\": ..., \"headers\": {name: value}}, got " + item);
      }
      String host = host(entry.getValue("host"), "headers");
      scoped.computeIfAbsent(host, h -> new ArrayList<>()).addAll(headerMap(headers, "headers for " + host));
    }
  }

  private void auth(Object raw, Map<String, List<Map.Entry<String, String>>> scoped) {
    if (!(raw instanceof JsonArray list)) {
      throw invalid("Option 'auth' must be a list of {host, type: basic|bearer, ...}");
    }
    for (Object item : list) {
      if (!(item instanceof JsonObject entry)) {
        throw invalid("Each entry of 'auth' must be an object, got " + item);
      }
      String host = host(entry.getValue("host"), "auth");
      String value = switch (String.valueOf(entry.getValue("type"))) {
        case "basic" -> basic(entry, host);
        case "bearer" -> bearer(entry, host);
        default -> throw invalid("Option 'auth' for " + host + ": type must be 'basic' or 'bearer'");
      };
      List<Map.Entry<String, String>> headers = scoped.computeIfAbsent(host, h -> new ArrayList<>());
      if (headers.stream().anyMatch(h -> h.getKey().equalsIgnoreCase("authorization"))) {
        throw invalid("Option 'auth' for " + host + ": that host already has an Authorization header or credentials");
      }
      headers.add(header("Authorization", value, "auth"));
    }
  }

  private String basic(JsonObject entry, String host) {
    String user = text(entry, "username", host);
    String password = text(entry, "password", host);
    if (user.contains(":")) {
      throw invalid("Option 'auth' for " + host + ": a Basic username cannot contain ':'");
    }
    return JobRequests.basic(user, password);
  }

  private String bearer(JsonObject entry, String host) {
    String token = text(entry, "token", host);
    if (!TOKEN68.matcher(token).matches()) {
      throw invalid("Option 'auth' for " + host + ": a Bearer token must be letters, digits and -._~+/ (RFC 6750)");
    }
    return "Bearer " + token;
  }

  private static String text(JsonObject entry, String key, String host) {
    if (!(entry.getValue(key) instanceof String value) || value.isEmpty()
        || value.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
      throw invalid("Option 'auth' for " + host + ": '" + key
          + "' must be a non-empty string without control characters");
    }
    return value;
  }

  private List<Map.Entry<String, String>> headerMap(JsonObject object, String where) {
    List<Map.Entry<String, String>> list = new ArrayList<>();
    for (String name : object.fieldNames()) {
      if (!(object.getValue(name) instanceof String value)) {
        throw invalid("Option '" + where + "': the value of " + name + " must be a string");
      }
      list.add(header(name, value, where));
    }
    return list;
  }

  private Map.Entry<String, String> header(String name, String value, String where) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (!TOKEN.matcher(name).matches()) {
      throw invalid("Option '" + where + "': '" + name + "' is not a valid header name");
    }
    if (REFUSED.contains(lower) || lower.startsWith("proxy-")) {
      throw invalid("Option '" + where + "': the " + name + " header cannot be set by a job");
    }
    if (!FIELD_VALUE.matcher(value).matches()) {
      throw invalid("Option '" + where + "': the value of " + name + " must be printable ASCII without CR, LF or "
          + "other control characters");
    }
    count++;
    bytes += name.length() + value.length();
    if (limits != null && (count > limits.maxHeaders() || bytes > limits.maxHeaderBytes())) {
      throw invalid("Options 'headers' and 'auth' may add at most " + limits.maxHeaders() + " headers of "
          + limits.maxHeaderBytes() + " bytes in all (job.maxHeaders, job.maxHeaderBytes)");
    }
    return Map.entry(name, value.strip());
  }

  /** A host as URLs spell it: lower case, IDNs in their ASCII form, IPv6 in brackets; no port, no wildcard. */
  static String host(Object raw, String where) {
    if (raw instanceof String text && !text.isBlank()) {
      try {
        String host = IDN.toASCII(text.strip(), IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        if (host.length() <= 253 && HOST.matcher(host).matches()) {
          return host;
        }
      } catch (IllegalArgumentException e) {
        // reported below
      }
    }
    throw invalid("Option '" + where + "': host must be a host name or IP address (no scheme, port or wildcard), got '"
        + raw + "'");
  }

  static IllegalArgumentException invalid(String message) {
    return new IllegalArgumentException(message);
  }

  static boolean isToken(String text) {
    return TOKEN.matcher(text).matches();
  }

  static boolean isCookieValue(String text) {
    return COOKIE_VALUE.matcher(text).matches();
  }
}
