package dev.fetchbus.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.regex.Pattern;

/** Masks secrets before configuration is printed: keys named like secrets, and URI passwords. */
public final class Secrets {
  private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(key|password|secret|token).*");
  /** A password given as a query parameter, as the PostgreSQL URI format allows ({@code ?password=...}). */
  private static final Pattern QUERY_PASSWORD = Pattern.compile("(?i)([?&]password=)[^&#]*");

  /** Request headers whose values are credentials: masked wherever a job's options or a record's request are shown. */
  private static final Pattern SECRET_HEADER =
      Pattern.compile("(?i)authorization|cookie|proxy-authorization|.*(token|key|secret).*");
  public static final String MASK = "****";

  private Secrets() {}

  public static boolean isSecretHeader(String name) {
    return SECRET_HEADER.matcher(name).matches();
  }

  /**
   * A job's options as shown to people (API views, logs): credentials in {@code auth}, cookie values,
   * the values of secret-like headers and the password of the {@code proxy} URL (as {@link #masked}
   * masks URI passwords: {@code user:****@}) replaced by {@value #MASK}. The stored options keep them.
   */
  public static JsonObject maskedJobOptions(JsonObject options) {
    if (options == null) {
      return null;
    }
    JsonObject out = options.copy();
    if (out.getValue("headers") instanceof JsonObject headers) {
      maskHeaders(headers);
    } else if (out.getValue("headers") instanceof JsonArray entries) {
      entries.forEach(e -> {
        if (e instanceof JsonObject entry && entry.getValue("headers") instanceof JsonObject headers) {
          maskHeaders(headers);
        }
      });
    }
    maskFields(out.getValue("auth"), "password", "token");
    maskFields(out.getValue("cookies"), "value");
    if (out.getValue("proxy") instanceof String proxy) {
      out.put("proxy", maskUriPassword(proxy));
    }
    return out;
  }

  private static void maskHeaders(JsonObject headers) {
    for (String name : headers.fieldNames()) {
      if (isSecretHeader(name)) {
        headers.put(name, MASK);
      }
    }
  }

  private static void maskFields(Object list, String... fields) {
    if (list instanceof JsonArray entries) {
      entries.forEach(e -> {
        if (e instanceof JsonObject entry) {
          for (String field : fields) {
            if (entry.containsKey(field)) {
              entry.put(field, MASK);
            }
          }
        }
      });
    }
  }

  public static JsonObject masked(JsonObject config) {
    JsonObject out = new JsonObject();
    for (String key : config.fieldNames()) {
      Object value = config.getValue(key);
      if (value instanceof JsonObject section) {
        out.put(key, masked(section));
      } else if (value instanceof String text && !text.isEmpty() && SECRET_KEY.matcher(key).matches()) {
        out.put(key, "****");
      } else if (value instanceof String text && text.contains("://")) {
        out.put(key, maskUriPassword(text));
      } else {
        out.put(key, value);
      }
    }
    return out;
  }

  static String maskUriPassword(String uri) {
    try {
      URI parsed = URI.create(uri);
      if (parsed.getRawAuthority() != null && parsed.getHost() == null) {
        // A registry-based authority ('@' or '/' unencoded in a password, '_' in a host name...):
        // java.net.URI reports no user info then, so the password cannot be found; hide it all
        return "****";
      }
      String masked = QUERY_PASSWORD.matcher(uri).replaceAll("$1****");
      String userInfo = parsed.getRawUserInfo();
      if (userInfo == null || !userInfo.contains(":")) {
        return masked;
      }
      String user = userInfo.substring(0, userInfo.indexOf(':'));
      return masked.replace(userInfo + "@", user + ":****@");
    } catch (IllegalArgumentException e) {
      return "****";
    }
  }
}
