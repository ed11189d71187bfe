package dev.fetchbus.render;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The protocol each document of a page came over, as Chromium negotiated it, which Playwright's
 * API does not report: read from a CDP session's {@code Network.responseReceived} events
 * ({@code response.protocol}). For https this is the browser's own end-to-end protocol (the guard
 * proxy only tunnels); for plain http it is the browser's HTTP/1.1 to the guard proxy, which is what
 * the proxy speaks to the origin too (cleartext is never HTTP/2). Events arrive on the render
 * thread, during Playwright's blocking calls, so no locking is needed.
 */
final class Protocols {
  private final Map<String, String> byUrl = new HashMap<>();

  /** Starts listening on {@code page}; without a CDP session (it failed to open) every answer is HTTP/1.1. */
  static Protocols watch(BrowserContext context, Page page) {
    Protocols protocols = new Protocols();
    try {
      CDPSession cdp = context.newCDPSession(page);
      cdp.on("Network.responseReceived", protocols::received);
      cdp.send("Network.enable");
    } catch (PlaywrightException e) {
      // the record then says HTTP/1.1, as it did before this was read
    }
    return protocols;
  }

  private void received(JsonObject event) {
    JsonObject response = event.getAsJsonObject("response");
    if (!"Document".equals(text(event.get("type"))) || response == null) {
      return;
    }
    String url = text(response.get("url"));
    String protocol = text(response.get("protocol"));
    if (url != null && protocol != null) {
      byUrl.put(url, protocol);
    }
  }

  /** The protocol the document at {@code url} came over, as a record names it ({@code HTTP/2}, {@code HTTP/1.1}). */
  String of(String url) {
    return name(byUrl.get(url));
  }

  /** Chromium's ALPN-style names ({@code h2}, {@code http/1.1}, {@code h3}) as the fetcher's records name protocols. */
  static String name(String chromium) {
    String p = chromium == null ? "" : chromium.toLowerCase(Locale.ROOT);
    if (p.equals("h2")) {
      return "HTTP/2";
    }
    if (p.startsWith("h3") || p.equals("quic")) {
      return "HTTP/3";
    }
    return p.equals("http/1.0") ? "HTTP/1.0" : "HTTP/1.1";
  }

  private static String text(JsonElement element) {
    return element == null || element.isJsonNull() ? null : element.getAsString();
  }
}
