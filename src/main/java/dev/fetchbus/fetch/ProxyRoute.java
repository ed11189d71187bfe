package dev.fetchbus.fetch;

import dev.fetchbus.config.ProxyUrl;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import io.vertx.core.net.SocketAddress;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;

/**
 * Where one request's connection goes: straight to the address the network guard judged, or
 * through a proxy. Through a proxy, the proxy is always handed that judged IP address, never the
 * host name, so the proxy cannot resolve the name again and be steered somewhere else (DNS
 * rebinding). The name still travels where the origin needs it:
 * <ul>
 *   <li>SOCKS5, and HTTP CONNECT (used for https): the tunnel is opened to the IP
 *       ({@code CONNECT 203.0.113.7:443}, a SOCKS5 IPv4/IPv6 address request); the Host header
 *       and the TLS SNI carry the name;
 *   <li>http:// through an HTTP proxy, which has no tunnel: the request line names the IP
 *       ({@code GET http://203.0.113.7/path}) and the Host header the name. A proxy that rewrites
 *       Host from the request line (RFC 9112 allows it) sends the IP as Host; use SOCKS5 for
 *       name-based virtual hosts over cleartext.
 * </ul>
 */
record ProxyRoute(ProxyUrl proxy) {
  static final ProxyRoute DIRECT = new ProxyRoute(null);

  /** The job's proxy when it has one, else the node's ({@code fetch.proxy}, possibly none). */
  static ProxyRoute of(ProxyUrl job, ProxyUrl node) {
    return new ProxyRoute(job != null ? job : node);
  }

  boolean proxied() {
    return proxy != null;
  }

  /** Points {@code options} at the judged {@code address}, directly or through the proxy. */
  RequestOptions apply(RequestOptions options, InetAddress address, int port, boolean ssl, String hostHeader) {
    String ip = address.getHostAddress();
    options.setServer(SocketAddress.inetSocketAddress(port, ip));
    if (proxy == null) {
      return options;
    }
    // the proxy's handshake (CONNECT answer, SOCKS5 replies) gets the same bound as a direct connect,
    // not Vert.x's 10 s default
    options.setProxyOptions(proxyOptions()
        .setConnectTimeout(Duration.ofMillis(Math.max(1, options.getConnectTimeout()))));
    if (!ssl && ProxyUrl.HTTP.equals(proxy.type())) {
      // forwarded, not tunnelled: Vert.x writes the request line from the request's host, so the
      // host becomes the judged IP and the Host header keeps the name
      options.setHost(address instanceof Inet6Address ? "[" + ip + "]" : ip)
          .putHeader(HttpHeaders.HOST, hostHeader);
    }
    return options;
  }

  ProxyOptions proxyOptions() {
    ProxyOptions options = new ProxyOptions()
        .setType(ProxyUrl.SOCKS5.equals(proxy.type()) ? ProxyType.SOCKS5 : ProxyType.HTTP)
        .setHost(proxy.host())
        .setPort(proxy.port());
    if (proxy.hasCredentials()) {
      options.setUsername(proxy.username()).setPassword(proxy.password());
    }
    return options;
  }

  /** How messages name the route: the proxy's address, never its credentials. */
  String describe() {
    return proxy == null ? "direct" : proxy.type() + " proxy " + proxy.address();
  }
}
