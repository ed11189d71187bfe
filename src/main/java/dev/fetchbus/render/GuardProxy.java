package dev.fetchbus.render;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The only way out for the node's browsers: each page's browser context is given this loopback
 * proxy (loopback not bypassed), so every connection a page makes (documents, every redirect hop,
 * frames, images, fetch/XHR, WebSockets, preconnects) arrives here. Each one is judged by the page's
 * {@link PageNetwork} and then made by us to the address that was judged, so a name that answers
 * differently a moment later (DNS rebinding) cannot lead the browser elsewhere; through the job's
 * proxy when it has one, which is handed that address, never the name. Each connection first takes
 * a politeness slot of its host ({@link PageNetwork#slot}): a plain HTTP request holds it until its
 * response has been relayed, a CONNECT tunnel (HTTPS, WebSockets) for as long as it is open, since
 * what travels inside is encrypted. Plain HTTP is forwarded, never following redirects (the browser
 * asks again, and is judged again). A page's context authenticates with credentials of its own
 * ({@link #open}), which is how its connections are told from other pages' and from other local
 * processes, which cannot use the proxy as an open proxy.
 */
final class GuardProxy {
  /** Response header on a refusal, so the page's renderer can tell a refusal from an origin's 403. */
  static final String REFUSED = "x-fetchbus-refused";
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
      "proxy-authorization", "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade");
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Pass> passes = new ConcurrentHashMap<>();
  private final int timeoutMs;
  private final HttpClient client;
  private final NetClient net;
  private final Future<HttpServer> server;

  /** One page's credentials for the proxy, and what its connections may do. */
  record Pass(String user, String password, PageNetwork network) {}

  GuardProxy(Vertx vertx, int timeoutMs) {
    this.timeoutMs = timeoutMs;
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(timeoutMs)
        .setIdleTimeout(timeoutMs).setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
    this.net = vertx.createNetClient(new NetClientOptions().setConnectTimeout(timeoutMs));
    this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(this::handle).listen();
  }

  /** Lets one page's context in, with credentials of its own, until {@link #close}. */
  Pass open(PageNetwork network) {
    Pass pass = new Pass("page-" + secret(8), secret(16), network);
    passes.put(pass.user(), pass);
    return pass;
  }

  void close(Pass pass) {
    passes.remove(pass.user());
  }

  /** The port it listens on; blocks (a render thread, never an event loop) until it does. */
  int port() {
    try {
      return server.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).actualPort();
    } catch (Exception e) {
      throw new RenderFailure("the render proxy did not start: " + e, false);
    }
  }

  private String secret(int bytes) {
    byte[] secret = new byte[bytes];
    random.nextBytes(secret);
    return HexFormat.of().formatHex(secret);
  }

  private void handle(HttpServerRequest req) {
    Pass pass = pass(req.getHeader("Proxy-Authorization"));
    if (pass == null) {
      req.response().setStatusCode(407).putHeader("Proxy-Authenticate", "Basic realm=\"fetchbus\"").end();
    } else if (req.method() == HttpMethod.CONNECT) {
      tunnel(req, pass.network());
    } else {
      forward(req, pass.network());
    }
  }

  /** The open page whose credentials {@code header} carries; null for none (or a closed page's). */
  private Pass pass(String header) {
    if (header == null || !header.startsWith("Basic ")) {
      return null;
    }
    String[] credentials;
    try {
      credentials = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8)
          .split(":", 2);
    } catch (IllegalArgumentException e) {
      return null;
    }
    Pass pass = credentials.length == 2 ? passes.get(credentials[0]) : null;
    boolean matches = pass != null && MessageDigest.isEqual(pass.password().getBytes(StandardCharsets.UTF_8),
        credentials[1].getBytes(StandardCharsets.UTF_8));
    return matches ? pass : null;
  }

  private void tunnel(HttpServerRequest req, PageNetwork network) {
    URI target;
    try {
      target = URI.create("tcp://" + req.uri());
    } catch (IllegalArgumentException e) {
      refuse(req, "not host:port: " + req.uri());
      return;
    }
    String host = bare(target.getHost());
    int port = target.getPort();
    // a tunnel does not say what it carries: port 80 is taken for ws://, any other for https:// or wss://
    String scheme = port == 80 ? "http" : "https";
    network.address(host)
        .onFailure(err -> refuse(req, err.getMessage()))
        .compose(ip -> slot(req, network, scheme, host, port).compose(release -> connect(network, ip, port)
            .onFailure(err -> {
              release.run();
              unreachable(req, err);
            })
            .onSuccess(upstream -> splice(req, upstream, release))));
  }

  private Future<NetSocket> connect(PageNetwork network, InetAddress ip, int port) {
    return net.connect(new ConnectOptions().setRemoteAddress(SocketAddress.inetSocketAddress(port, ip.getHostAddress()))
        .setProxyOptions(network.tunnelProxy(timeoutMs)).setTimeout(timeoutMs));
  }

  /** Joins the browser's side of a tunnel to the origin's; the slot is given back when either side closes. */
  private static void splice(HttpServerRequest req, NetSocket upstream, Runnable release) {
    upstream.closeHandler(v -> release.run());
    req.toNetSocket().onSuccess(down -> {
      down.closeHandler(v -> release.run());
      down.pipeTo(upstream);
      upstream.pipeTo(down);
    }).onFailure(err -> {
      upstream.close();
      release.run();
    });
  }

  private void forward(HttpServerRequest req, PageNetwork network) {
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
    req.pause();
    network.address(host)
        .onFailure(err -> refuse(req, err.getMessage()))
        .compose(ip -> slot(req, network, "http", host, port).compose(release -> {
          RequestOptions options = network.route(request(req, uri, ip, port), ip, port,
              port == 80 ? uri.getHost() : uri.getHost() + ":" + port);
          return client.request(options).compose(out -> out.send(req))
              .onFailure(err -> {
                release.run();
                unreachable(req, err);
              })
              .onSuccess(in -> relay(req, in, release));
        }));
  }

  /** The browser's request, to the judged address, without its hop-by-hop headers. */
  private RequestOptions request(HttpServerRequest req, URI uri, InetAddress ip, int port) {
    String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    req.headers().forEach(h -> {
      if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT)) && !h.getKey().equalsIgnoreCase("host")) {
        headers.add(h.getKey(), h.getValue());
      }
    });
    return new RequestOptions().setMethod(req.method())
        .setServer(SocketAddress.inetSocketAddress(port, ip.getHostAddress()))
        .setHost(uri.getHost()).setPort(port).setURI(path).setHeaders(headers).setConnectTimeout(timeoutMs);
  }

  /** The origin's answer, back to the browser; the slot is given back once it has been relayed (or abandoned). */
  private static void relay(HttpServerRequest req, HttpClientResponse in, Runnable release) {
    var resp = req.response().setStatusCode(in.statusCode()).setStatusMessage(in.statusMessage());
    in.headers().forEach(h -> {
      if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        resp.headers().add(h.getKey(), h.getValue());
      }
    });
    if (!resp.headers().contains("Content-Length")) {
      resp.setChunked(true);
    }
    resp.closeHandler(v -> release.run());
    in.pipeTo(resp).onComplete(done -> release.run());
  }

  /**
   * The host's politeness slot; the browser gets a 503 when the page could not wait for it. A slot
   * that comes after the browser gave up on the request (the page was done) is given back at once.
   */
  private static Future<Runnable> slot(HttpServerRequest req, PageNetwork network, String scheme, String host,
      int port) {
    return network.slot(scheme, host, port).onFailure(err -> {
      req.resume();
      if (!req.response().headWritten()) {
        req.response().setStatusCode(503).end();
      }
    }).compose(release -> {
      if (req.response().closed()) {
        release.run();
        return Future.failedFuture("the browser no longer waits for " + host + ":" + port);
      }
      return Future.succeededFuture(release);
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
