package dev.fetchbus.config;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.regex.Pattern;

/** Masks secrets before configuration is printed: keys named like secrets, and URI passwords. */
public final class Secrets {
  private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(key|password|secret|token).*");

  private Secrets() {}

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
      String userInfo = URI.create(uri).getRawUserInfo();
      if (userInfo == null || !userInfo.contains(":")) {
        return uri;
      }
      String user = userInfo.substring(0, userInfo.indexOf(':'));
      return uri.replace(userInfo + "@", user + ":****@");
    } catch (IllegalArgumentException e) {
      return "****";
    }
  }
}
