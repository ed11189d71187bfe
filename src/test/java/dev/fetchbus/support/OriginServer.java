package dev.fetchbus.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.GZIPOutputStream;

/**
 * A hostile origin on loopback, in a Vert.x of its own: normal pages, any status, redirect chains
 * and loops, slow and never-ending bodies, large bodies, a gzip bomb, dropped connections and 429s.
 * It counts requests per path and the most requests it ever saw at once.
 *
 * <ul>
 *   <li>{@code /page/{n}}: an HTML page titled "Page n" with two links
 *   <li>{@code /status/{code}}: that status, with a small HTML body
 *   <li>{@code /redirect/{n}}: a chain of n redirects ending at {@code /page/0}
 *   <li>{@code /loop/a} and {@code /loop/b}: redirect to each other
 *   <li>{@code /slow/{ms}}: a page after ms milliseconds
 *   <li>{@code /drip}: headers at once, then a byte a second, forever
 *   <li>{@code /large/{bytes}}: a body of that many bytes
 *   <li>{@code /random/{bytes}}: that many random bytes (incompressible; the same for the same path)
 *   <li>{@code /gzip-bomb}: 64 MiB of zeros, gzip-encoded (about 64 KiB on the wire)
 *   <li>{@code /drop}: closes the connection without answering
 *   <li>{@code /too-many}: 429 with Retry-After: 1
 * <li>{@code /calm-down}: 200 with Retry-After: 120 (which asks nothing of a client: RFC 9110 gives it meaning on 503
 * and 3xx)
 * </ul>
 */
public final class OriginServer implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final Map<String, LongAdder> hits = new ConcurrentHashMap<>();
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger maxActive = new AtomicInteger();
  private final LongAdder total = new LongAdder();
  private HttpServer server;
  private boolean tls;
  private byte[] gzipBomb;

  public static OriginServer start() {
    return new OriginServer().listen(new HttpServerOptions());
  }

  /** An HTTPS origin whose certificate no client trusts: fetches of it fail with {@code tls}. */
  public static OriginServer startUntrustedTls() {
    SelfSignedCertificate cert = SelfSignedCertificate.create();
    return new OriginServer().listen(new HttpServerOptions().setSsl(true).setKeyCertOptions(cert.keyCertOptions()));
  }

  private OriginServer listen(HttpServerOptions options) {
    tls = options.isSsl();
    server = TestNode.await(vertx.createHttpServer(options.setHost("127.0.0.1").setPort(0))
        .requestHandler(this::handle).listen());
    return this;
  }

  public int port() {
    return server.actualPort();
  }

  public String url(String path) {
    return (tls ? "https" : "http") + "://127.0.0.1:" + port() + path;
  }

  /** Requests whose path starts with {@code prefix}. */
  public long hits(String prefix) {
    return hits.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(e -> e.getValue().sum()).sum();
  }

  public long totalHits() {
    return total.sum();
  }

  /** Requests being answered right now. */
  public int inFlight() {
    return active.get();
  }

  public int maxConcurrent() {
    return maxActive.get();
  }

  @Override
  public void close() {
    TestNode.await(vertx.close());
  }

  private void handle(HttpServerRequest req) {
    total.increment();
    hits.computeIfAbsent(req.path(), p -> new LongAdder()).increment();
    maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
    req.response().endHandler(v -> active.decrementAndGet());
    req.connection().closeHandler(v -> { });
    String[] parts = req.path().split("/");
    String route = parts.length > 1 ? parts[1] : "";
    String arg = parts.length > 2 ? parts[2] : "";
    switch (route) {
      case "page" -> html(req, 200, "Page " + arg, "<a href=\"/page/" + arg + "1\">next</a> <a href=\"#top\">top</a>");
      case "status" -> html(req, Integer.parseInt(arg), "Status " + arg, "");
      case "redirect" -> redirect(req,
          Integer.parseInt(arg) <= 0 ? "/page/0" : "/redirect/" + (Integer.parseInt(arg) - 1));
      case "loop" -> redirect(req, arg.equals("a") ? "/loop/b" : "/loop/a");
      case "slow" -> vertx.setTimer(Long.parseLong(arg), id -> html(req, 200, "Slow " + arg, ""));
      case "drip" -> drip(req);
      case "large" -> req.response().putHeader("Content-Type", "application/octet-stream")
          .end(Buffer.buffer(new byte[Integer.parseInt(arg)]));
      case "random" -> {
        byte[] body = new byte[Integer.parseInt(arg)];
        new Random(req.path().hashCode()).nextBytes(body); // the same bytes for the same path
        req.response().putHeader("Content-Type", "application/octet-stream").end(Buffer.buffer(body));
      }
      case "gzip-bomb" -> req.response().putHeader("Content-Type", "text/plain").putHeader("Content-Encoding", "gzip")
          .end(Buffer.buffer(gzipBomb()));
      case "drop" -> {
        active.decrementAndGet();
        req.connection().close();
      }
      case "too-many" -> req.response().setStatusCode(429).putHeader("Retry-After", "1").end("slow down");
      case "calm-down" -> req.response().putHeader("Content-Type", "text/html").putHeader("Retry-After", "120")
          .end("<html><title>fine</title></html>");
      default -> html(req, 404, "Not found", "");
    }
  }

  private static void html(HttpServerRequest req, int status, String title, String body) {
    if (req.response().closed()) {
      return;
    }
    req.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
        .end("<!doctype html><html><head><title>" + title + "</title></head><body>" + body + "</body></html>");
  }

  private static void redirect(HttpServerRequest req, String location) {
    req.response().setStatusCode(302).putHeader("Location", location).end();
  }

  private void drip(HttpServerRequest req) {
    req.response().setChunked(true).putHeader("Content-Type", "text/plain").write("x");
    long timer = vertx.setPeriodic(1000, id -> req.response().write("x"));
    req.connection().closeHandler(v -> {
      vertx.cancelTimer(timer);
      active.decrementAndGet();
    });
  }

  private synchronized byte[] gzipBomb() {
    if (gzipBomb == null) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
        byte[] zeros = new byte[1024 * 1024];
        for (int i = 0; i < 64; i++) {
          gzip.write(zeros);
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      gzipBomb = bytes.toByteArray();
    }
    return gzipBomb;
  }
}
