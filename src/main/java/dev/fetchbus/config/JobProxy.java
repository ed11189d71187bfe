package dev.fetchbus.config;

/**
 * A job's {@code proxy} option: a proxy URL, accepted only when the operator listed its address
 * in {@code fetch.allowProxies}, so a job cannot send the node's traffic (or its view of the
 * network) to a machine of the user's choosing. Messages never repeat the URL's password.
 */
final class JobProxy {
  private JobProxy() {}

  static ProxyUrl parse(Object raw, ProxyAllowList allowed) {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof String text) || text.isBlank()) {
      throw new IllegalArgumentException(
          "Option 'proxy' must be a proxy URL such as http://host:3128 or socks5://host:1080");
    }
    ProxyUrl proxy;
    try {
      proxy = ProxyUrl.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Option 'proxy' " + e.getMessage());
    }
    if (allowed.isEmpty()) {
      throw new IllegalArgumentException("Option 'proxy' is refused: this node allows no job proxies "
          + "(the operator lists them in fetch.allowProxies, env FETCHBUS_FETCH_ALLOW_PROXIES)");
    }
    if (!allowed.allows(proxy)) {
      throw new IllegalArgumentException("Option 'proxy': " + proxy.address() + " is not in fetch.allowProxies "
          + "(env FETCHBUS_FETCH_ALLOW_PROXIES)");
    }
    return proxy;
  }
}
