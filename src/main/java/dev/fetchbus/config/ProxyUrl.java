package dev.fetchbus.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A proxy to fetch through, from a URL such as {@code http://user:pass@10.1.2.3:3128} (HTTP CONNECT)
 * or {@code socks5://user:pass@proxy.internal:1080} (SOCKS5). The port is required: a guessed
 * default would send a job's traffic somewhere the operator did not name. Credentials are secrets:
 * {@link #toString} and {@link #masked} never show the password; {@link #url} (what is stored with
 * the job) does.
 */
public record ProxyUrl(String type, String host, int port, String username, String password) {
  public static final String HTTP = "http";
  public static final String SOCKS5 = "socks5";

  /** Parses a proxy URL; throws {@link IllegalArgumentException} naming what is wrong (never the password). */
  public static ProxyUrl parse(String text) {
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals(HTTP) && !scheme.equals(SOCKS5)) {
      throw new IllegalArgumentException(
          "must be an http:// (HTTP CONNECT) or socks5:// URL, got scheme '" + scheme + "'");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("has no host (a password with '@' or '/' must be percent-encoded)");
    }
    if (uri.getPort() < 1 || uri.getPort() > 65535) {
      throw new IllegalArgumentException("must name a port between 1 and 65535");
    }
    String path = uri.getRawPath();
    if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("must be scheme://[user:password@]host:port, without a path or query");
    }
    String user = null;
    String pass = null;
    if (uri.getRawUserInfo() != null) {
      String[] info = uri.getRawUserInfo().split(":", 2);
      user = decode(info[0]);
      pass = info.length == 2 ? decode(info[1]) : "";
    }
    String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
        : uri.getHost();
    return new ProxyUrl(scheme, host.toLowerCase(Locale.ROOT), uri.getPort(), user, pass);
  }

  /** The parsed proxy of an optional setting: null when {@code text} is null or blank. */
  public static ProxyUrl parseOptional(String text) {
    return text == null || text.isBlank() ? null : parse(text);
  }

  public boolean hasCredentials() {
    return username != null;
  }

  /** {@code host:port}, IPv6 hosts in brackets: how the allow-list and messages name the proxy. */
  public String address() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /** The whole URL, password included: for storing with the job, never for showing. */
  public String url() {
    String info = hasCredentials() ? encode(username) + ":" + encode(password) + "@" : "";
    return type + "://" + info + address();
  }

  /** The URL with the password replaced by {@code ****}. */
  public String masked() {
    String info = hasCredentials() ? encode(username) + ":****@" : "";
    return type + "://" + info + address();
  }

  /** A key that tells routes apart (two users of one proxy may be routed differently), without the password. */
  public String routeKey() {
    return type + "://" + (hasCredentials() ? encode(username) + "@" : "") + address();
  }

  @Override
  public String toString() {
    return masked();
  }

  private static String decode(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
