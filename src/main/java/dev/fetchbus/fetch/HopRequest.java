package dev.fetchbus.fetch;

import dev.fetchbus.config.Secrets;
import dev.fetchbus.config.Settings;
import dev.fetchbus.content.Header;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One hop of a download as {@link HttpFetcher} sends it, and as its record keeps it: the request
 * (the user agent and headers of the job's {@link RequestProfile} for the hop's host, pointed at the
 * judged address directly or through the {@link ProxyRoute}), and the headers that were sent, with
 * credentials masked and the proxy's own left out.
 */
final class HopRequest {
  private HopRequest() {}

  /**
   * The GET for {@code uri}, to the judged {@code address}; {@code jobHeaders} were checked when the
   * job was made (no framing, hop-by-hop, proxy or conditional headers).
   */
  static RequestOptions options(URI uri, int port, boolean ssl, InetAddress address, Settings.Fetch config,
      String userAgent, List<Map.Entry<String, String>> jobHeaders, ProxyRoute route, String hostHeader) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setHost(uri.getHost())
        .setPort(port)
        .setSsl(ssl)
        .setURI(path + query)
        .setConnectTimeout(config.connectTimeoutMs())
        .setIdleTimeout(config.idleTimeoutMs())
        .putHeader(HttpHeaders.USER_AGENT, userAgent)
        .putHeader(HttpHeaders.ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
        // named here, not left to the client, so the request headers kept with the record are the ones sent
        .putHeader(HttpHeaders.ACCEPT_ENCODING, "gzip, deflate");
    jobHeaders.forEach(h -> options.putHeader(h.getKey(), h.getValue()));
    return route.apply(options, address, port, ssl, hostHeader);
  }

  static String protocol(HttpVersion version) {
    return switch (version) {
      case HTTP_1_0 -> "HTTP/1.0";
      case HTTP_2 -> "HTTP/2";
      default -> "HTTP/1.1";
    };
  }

  /**
   * The request's headers in the order sent, Host first (the client sends it from the request's
   * authority; a request forwarded by an HTTP proxy names it itself, so it is not listed twice).
   * Credentials and cookies are kept masked: records and WARC exports are read by more people than
   * the job's owner, and outlive the session a cookie belonged to. The proxy's credentials
   * (Proxy-Authorization) are never kept with a record, not even masked.
   */
  static List<Header> sentHeaders(String hostHeader, HttpClientRequest request) {
    List<Header> sent = new ArrayList<>(request.headers().size() + 1);
    sent.add(new Header("host", hostHeader)); // as the client writes it: Vert.x sends header names in lower case
    for (Header header : Header.of(request.headers())) {
      if (header.name().equalsIgnoreCase("host") || header.name().equalsIgnoreCase("proxy-authorization")) {
        continue;
      }
      sent.add(Secrets.isSecretHeader(header.name()) ? new Header(header.name(), Secrets.MASK) : header);
    }
    return sent;
  }
}
