package dev.fetchbus.config;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * How requests leave the node: the node's own proxy ({@code fetch.proxy}, trusted config, or
 * null), the proxies a job may name ({@code fetch.allowProxies}), HTTP/2 over TLS
 * ({@code fetch.http2}) and a PEM file of extra CAs ({@code fetch.trustStore}, or empty).
 */
public record Egress(ProxyUrl proxy, ProxyAllowList allowProxies, boolean http2, String trustStore) {

  /** Reads the {@code fetch} section; a malformed proxy fails the node's start. */
  static Egress from(JsonObject fetch) {
    ProxyUrl proxy;
    try {
      proxy = ProxyUrl.parseOptional(fetch.getString("proxy"));
    } catch (IllegalArgumentException e) {
      // the message never holds the URL, so a password in it is not printed
      throw new IllegalArgumentException("fetch.proxy " + e.getMessage() + " (env FETCHBUS_FETCH_PROXY)");
    }
    String allow = fetch.getString("allowProxies");
    List<String> entries = allow == null || allow.isBlank() ? List.of() : List.of(allow.trim().split("\\s*,\\s*"));
    return new Egress(proxy, new ProxyAllowList(entries), fetch.getBoolean("http2", true),
        fetch.getString("trustStore", ""));
  }
}
