package dev.fetchbus.config;

import io.vertx.core.json.JsonObject;

/**
 * A job's {@code render}: {@code none} (the default) or {@code chromium}, where pages load in
 * headless Chromium and the record, the stored body and the links come from the rendered DOM; and
 * {@code screenshot}: a PNG of each rendered page, kept in the content store. A job that asks for
 * rendering on a node that cannot render is refused here, naming {@code render.chromium}, rather
 * than failing page by page.
 */
public record RenderOption(String mode, boolean screenshot) {
  public static final String NONE = "none";
  public static final String CHROMIUM = "chromium";
  public static final RenderOption OFF = new RenderOption(NONE, false);

  public boolean enabled() {
    return CHROMIUM.equals(mode);
  }

  static RenderOption parse(JsonObject o, Settings s) {
    Object raw = o.getValue("render", NONE);
    if (!NONE.equals(raw) && !CHROMIUM.equals(raw)) {
      throw new IllegalArgumentException("Option 'render' must be 'none' or 'chromium', got '" + raw + "'");
    }
    Object shot = o.getValue("screenshot", false);
    if ("true".equals(shot) || "false".equals(shot)) {
      shot = Boolean.parseBoolean((String) shot); // a text/plain upload's query parameter
    }
    if (!(shot instanceof Boolean screenshot)) {
      throw new IllegalArgumentException("Option 'screenshot' must be true or false, got '" + shot + "'");
    }
    if (NONE.equals(raw)) {
      if (screenshot) {
        throw new IllegalArgumentException("Option 'screenshot' needs 'render': 'chromium'");
      }
      return OFF;
    }
    String reason = RenderSettings.of(s).unavailableReason();
    if (reason != null) {
      throw new IllegalArgumentException(reason);
    }
    return new RenderOption(CHROMIUM, screenshot);
  }

  static RenderOption stored(JsonObject o) {
    return CHROMIUM.equals(o.getString("render")) ? new RenderOption(CHROMIUM, o.getBoolean("screenshot", false)) : OFF;
  }

  /** Only a rendering job says so, so the stored options of every other job stay as they were. */
  JsonObject toJson() {
    return enabled() ? new JsonObject().put("render", mode).put("screenshot", screenshot) : new JsonObject();
  }
}
