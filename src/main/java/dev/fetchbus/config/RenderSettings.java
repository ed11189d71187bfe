package dev.fetchbus.config;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The node's JavaScript rendering ({@code render.*}): which Chromium, how many pages at once and
 * for how long, and how many requests one page may make. Read from the effective configuration
 * rather than kept in {@link Settings}, so rendering stays one self-contained section.
 */
public record RenderSettings(String chromium, int maxConcurrency, int timeoutMs, int maxRequests) {

  public static RenderSettings of(Settings settings) {
    JsonObject r = settings.json() == null ? null : settings.json().getJsonObject("render");
    JsonObject c = r == null ? new JsonObject() : r;
    RenderSettings render = new RenderSettings(c.getString("chromium", "/usr/bin/chromium"),
        c.getInteger("maxConcurrency", 2), c.getInteger("timeoutMs", 30_000), c.getInteger("maxRequests", 200));
    if (render.maxConcurrency < 1 || render.timeoutMs < 1 || render.maxRequests < 1) {
      throw new IllegalArgumentException(
          "render.maxConcurrency, render.timeoutMs and render.maxRequests must be positive");
    }
    return render;
  }

  /** Whether this node can render: its {@code render.chromium} is an executable file. */
  public boolean available() {
    return Files.isExecutable(Path.of(chromium));
  }

  /** Why this node cannot render, naming the setting; null when it can. */
  public String unavailableReason() {
    return available() ? null : "this node cannot render pages: render.chromium (" + chromium
        + ") is not an executable file; install Chromium or set FETCHBUS_RENDER_CHROMIUM";
  }
}
