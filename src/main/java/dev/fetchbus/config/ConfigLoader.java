package dev.fetchbus.config;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the effective configuration: the checked-in defaults ({@code conf/fetchbus.json}, packed
 * into the jar), then an overlay (a {@code -conf} file or a verticle's config), then environment
 * variables. Environment always wins, so an operator can change any key without editing files.
 *
 * <p>Every leaf key {@code a.bCd} maps to {@code FETCHBUS_A_B_CD}. Values from the environment are
 * coerced to the type of the default, so a typo in a number fails at start, not at first use.
 */
public final class ConfigLoader {
  private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);
  private static final String DEFAULTS = "conf/fetchbus.json";
  public static final String ENV_PREFIX = "FETCHBUS_";
  private static volatile Map<String, String> pinned = Map.of();

  private ConfigLoader() {}

  /**
   * Variables that win over the process environment for the rest of this JVM's life. Only the
   * command line's embedded node (cli.EmbeddedNode) uses it: its port, data directory and admin
   * key are its own, whatever a shell exported for a service, and every verticle re-reads the
   * environment when it starts, so passing them in the verticles' config would not be enough.
   */
  public static void pin(Map<String, String> values) {
    pinned = Map.copyOf(values);
  }

  /** The process environment with the {@link #pin pinned} variables over it. */
  public static Map<String, String> environment() {
    Map<String, String> current = pinned;
    if (current.isEmpty()) {
      return System.getenv();
    }
    Map<String, String> merged = new HashMap<>(System.getenv());
    merged.putAll(current);
    return merged;
  }

  public static JsonObject defaults() {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS + " is missing from the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Defaults, then {@code overlay}, then the given environment. Unknown overlay keys draw a warning. */
  public static JsonObject load(JsonObject overlay, Map<String, String> env) {
    JsonObject effective = defaults();
    mergeKnown(effective, overlay == null ? new JsonObject() : overlay, "");
    applyEnv(effective, env, "");
    return effective;
  }

  public static String envName(String dottedKey) {
    String snake = dottedKey.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_');
    return ENV_PREFIX + snake.toUpperCase(Locale.ROOT);
  }

  private static void mergeKnown(JsonObject target, JsonObject overlay, String prefix) {
    for (String key : overlay.fieldNames()) {
      Object value = overlay.getValue(key);
      Object current = target.getValue(key);
      String path = prefix + key;
      if (!target.containsKey(key)) {
        log.warn("Unknown configuration key '{}' is ignored", path);
      } else if (current instanceof JsonObject section && value instanceof JsonObject sub) {
        mergeKnown(section, sub, path + ".");
      } else if (current instanceof JsonObject || value instanceof JsonObject) {
        throw new IllegalArgumentException("Configuration key '" + path + "' must be "
            + (current instanceof JsonObject ? "an object" : "a single value"));
      } else {
        target.put(key,
            value instanceof String text && !(current instanceof String) ? coerce(path, text, current) : value);
      }
    }
  }

  private static void applyEnv(JsonObject target, Map<String, String> env, String prefix) {
    for (String key : target.fieldNames()) {
      Object current = target.getValue(key);
      String path = prefix + key;
      if (current instanceof JsonObject section) {
        applyEnv(section, env, path + ".");
        continue;
      }
      String raw = env.get(envName(path));
      // an empty variable means "not set", so FETCHBUS_PG_URL= cannot erase a configured URL
      if (raw != null && !raw.isBlank()) {
        target.put(key, coerce(path, raw.trim(), current));
      }
    }
  }

  private static Object coerce(String path, String raw, Object like) {
    try {
      if (like instanceof Integer) {
        return Integer.parseInt(raw);
      }
      if (like instanceof Long) {
        return Long.parseLong(raw);
      }
      if (like instanceof Boolean) {
        if (!raw.equalsIgnoreCase("true") && !raw.equalsIgnoreCase("false")) {
          throw new NumberFormatException("not a boolean");
        }
        return Boolean.parseBoolean(raw);
      }
      if (like instanceof Number) {
        return Double.parseDouble(raw);
      }
      return raw;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          envName(path) + "='" + raw + "' is not a valid " + like.getClass().getSimpleName(), e);
    }
  }
}
