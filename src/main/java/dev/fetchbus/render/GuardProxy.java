package dev.fetchbus.render;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The only way out for the node's browsers: Chromium is started with this loopback proxy as its
 * {@code --proxy-server} (loopback not bypassed), so every connection a page makes (documents,
 * every redirect hop, frames, images, fetch/XHR, WebSockets, preconnects) arrives here. Each one is
 * judged by the {@link Gate} and then made by us to the address that was judged, so a name that
 * answers differently a moment later (DNS rebinding) cannot lead the browser elsewhere. HTTPS and
 * WebSockets come as CONNECT tunnels, judged by host and port; plain HTTP is forwarded, never
 * following redirects (the browser asks again, and is judged again). The proxy wants a random
 * per-node password, so other local processes cannot use it as an open proxy.
 */
final class GuardProxy {
  /** Response header on a refusal, so the page's renderer can tell a refusal from an origin's 403. */
  static final String REFUSED = "x-fetchbus-refused";
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
      "proxy-authorization", "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade");
  static final String USER = "fetchbus";
  private final Gate gate;
  private final String password;
  private final String expected;
  private final HttpClient client;
  private final NetClient net;
  private final Future<HttpServer> server;

  GuardProxy(Vertx vertx, Gate gate, int timeoutMs) {
    this.gate = gate;
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    this.password = HexFormat.of().formatHex(secret);
    this.expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(timeoutMs)
        .setIdleTimeout(timeoutMs).setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
    this.net = vertx.createNetClient(new NetClientOptions().setConnectTimeout(timeoutMs));
    this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(this::handle).listen();
  }

  String password() {
    return password;
  }

  /** The port it listens on; blocks (a render thread, never an event loop) until it does. */
  int port() {
    try {
      return server.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).actualPort();
    } catch (Exception e) {
      throw new RenderFailure("the render proxy did not start: " + e, false);
    }
  }

  private void handle(HttpServerRequest req) {
    if (!expected.equals(req.getHeader("Proxy-Authorization"))) {
      req.response().setStatusCode(407).putHeader("Proxy-Authenticate", "Basic realm=\"fetchbus\"").end();
    } else if (req.method() == HttpMethod.CONNECT) {
      tunnel(req);
    } else {
      forward(req);
    }
  }

  private void tunnel(HttpServerRequest req) {
    URI target;
    try {
      target = URI.create("tcp://" + req.uri());
    } catch (IllegalArgumentException e) {
      refuse(req, "not host:port: " + req.uri());
      return;
    }
    String host = bare(target.getHost());
    gate.address(host)
        .onFailure(err -> refuse(req, err.getMessage()))
        .compose(ip -> net.connect(SocketAddress.inetSocketAddress(target.getPort(), ip.getHostAddress()))
            .onFailure(err -> unreachable(req, err)))
        .onSuccess(upstream -> req.toNetSocket().onSuccess(down -> {
          down.pipeTo(upstream);
          upstream.pipeTo(down);
        }).onFailure(err -> upstream.close()));
  }

  private void forward(HttpServerRequest req) {
    URI uri;
    try {
      uri = URI.create(req.uri());
    } catch (IllegalArgumentException e) {
      refuse(req, "not a URL: " + req.uri());
      return;
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      refuse(req, "only http URLs are forwarded: " + req.uri());
      return;
    }
    String host = bare(uri.getHost());
    int port = uri.getPort() > 0 ? uri.getPort() : 80;
    String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    req.headers().forEach(h -> {
      if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(java.util.Locale.ROOT)) && !h.getKey().equalsIgnoreCase("host")) {
        headers.add(h.getKey(), h.getValue());
      }
    });
    req.pause();
    gate.address(host)
        .onFailure(err -> refuse(req, err.getMessage()))
        .compose(ip -> client.request(new RequestOptions().setMethod(req.method())
            .setServer(SocketAddress.inetSocketAddress(port, ip.getHostAddress()))
            .setHost(uri.getHost()).setPort(port).setURI(path).setHeaders(headers))
            .compose(out -> out.send(req))
            .onFailure(err -> unreachable(req, err)))
        .onSuccess(in -> {
          var resp = req.response().setStatusCode(in.statusCode()).setStatusMessage(in.statusMessage());
          in.headers().forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
              resp.headers().add(h.getKey(), h.getValue());
            }
          });
          if (!resp.headers().contains("Content-Length")) {
            resp.setChunked(true);
          }
          in.pipeTo(resp);
        });
  }

  private static void refuse(HttpServerRequest req, String reason) {
    req.resume();
    if (!req.response().headWritten()) {
      String why = reason == null ? "refused" : reason.replaceAll("[\\r\\n]", " ");
      req.response().setStatusCode(403).putHeader(REFUSED, why).putHeader("Content-Type", "text/plain").end(why);
    } else {
      req.response().reset();
    }
  }

  /** The origin could not be reached or answered badly: the browser sees what a direct failure looks like. */
  private static void unreachable(HttpServerRequest req, Throwable err) {
    req.resume();
    if (!req.response().headWritten()) {
      req.response().setStatusCode(502).end();
    } else {
      req.response().reset();
    }
  }

  private static String bare(String host) {
    return host != null && host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
  }
}
