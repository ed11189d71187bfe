package dev.fetchbus.config;

import io.vertx.core.json.JsonObject;

/**
 * A job's {@code render}: {@code none} (the default) or {@code chromium}, where pages load in
 * headless Chromium and the record, the stored body and the links come from the rendered DOM. A
 * job that asks for rendering on a node that cannot render is refused here, naming
 * {@code render.chromium}, rather than failing page by page.
 */
public record RenderOption(String mode) {
  public static final String NONE = "none";
  public static final String CHROMIUM = "chromium";
  public static final RenderOption OFF = new RenderOption(NONE);

  public boolean enabled() {
    return CHROMIUM.equals(mode);
  }

  static RenderOption parse(JsonObject o, Settings s) {
    Object raw = o.getValue("render", NONE);
    if (!NONE.equals(raw) && !CHROMIUM.equals(raw)) {
      throw new IllegalArgumentException("Option 'render' must be 'none' or 'chromium', got '" + raw + "'");
    }
    if (NONE.equals(raw)) {
      return OFF;
    }
    String reason = RenderSettings.of(s).unavailableReason();
    if (reason != null) {
      throw new IllegalArgumentException(reason);
    }
    return new RenderOption(CHROMIUM);
  }

  static RenderOption stored(JsonObject o) {
    return CHROMIUM.equals(o.getString("render")) ? new RenderOption(CHROMIUM) : OFF;
  }

  /** Only a rendering job says so, so the stored options of every other job stay as they were. */
  JsonObject toJson() {
    return enabled() ? new JsonObject().put("render", mode) : new JsonObject();
  }
}
