package dev.fetchbus.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A loopback site of {@code pages} HTML pages, /p/0 … /p/(n-1), page i linking to 2i+1, 2i+2 and
 * the first, with ETags: a conditional request for an unchanged page gets a 304. Page bodies
 * differ in size and carry bytes outside ASCII (ISO-8859-1), so a byte-exact round trip means
 * something. {@link #change} gives a page a new version. Under /same/ every path serves one shared
 * body without validators (for dedupe). It counts full answers and 304s per path.
 */
public final class VersionedSite implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final int pages;
  private final int delayMs;
  private final Map<Integer, Integer> versions = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> full = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> notModified = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> conditional = new ConcurrentHashMap<>();

  public VersionedSite(int pages) {
    this(pages, 0);
  }

  /** A site whose every answer takes {@code delayMs}: slow enough that a drill can interrupt a crawl of it. */
  public VersionedSite(int pages, int delayMs) {
    this.pages = pages;
    this.delayMs = delayMs;
    this.server = TestNode.await(vertx.createHttpServer().requestHandler(this::serve).listen(0, "127.0.0.1"));
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  public Set<String> pageUrls() {
    return IntStream.range(0, pages).mapToObj(i -> url("/p/" + i)).collect(Collectors.toSet());
  }

  public void change(int page) {
    versions.merge(page, 1, Integer::sum);
  }

  /** The bytes page {@code path} serves now. */
  public byte[] body(String path) {
    if (path.startsWith("/same/")) {
      return "<html><head><title>same</title></head><body>one body for every path</body></html>"
          .getBytes(StandardCharsets.ISO_8859_1);
    }
    int i = Integer.parseInt(path.substring(3));
    StringBuilder html = new StringBuilder("<!DOCTYPE html><html lang=\"de\"><head>")
        .append("<meta charset=\"iso-8859-1\"><title>Seite ").append(i).append(" · Grüße</title>")
        .append("<meta name=\"description\" content=\"Beschreibung ").append(i).append("\">")
        .append("<link rel=\"canonical\" href=\"/p/").append(i).append("\"></head><body><h1>Seite ").append(i)
        .append("</h1><p>Version ").append(versions.getOrDefault(i, 0)).append(" · ÄÖÜ ß</p>");
    // a binary tree plus a link home: every page is reachable within log2(pages) hops
    for (int next : new int[] {(2 * i + 1) % pages, (2 * i + 2) % pages, 0}) {
      html.append("<a href=\"/p/").append(next).append("\">next ").append(next).append("</a> ");
    }
    html.append("<p>").append("Füllung ".repeat(i % 50)).append("</p></body></html>");
    return html.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public int fullAnswers(String path) {
    return full.getOrDefault(path, new AtomicInteger()).get();
  }

  public int notModifiedAnswers() {
    return notModified.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  public int conditionalRequests(String path) {
    return conditional.getOrDefault(path, new AtomicInteger()).get();
  }

  private void answer(HttpServerRequest req) {
    String path = req.path();
    if (!path.startsWith("/p/") && !path.startsWith("/same/")) {
      req.response().setStatusCode(404).end();
      return;
    }
    byte[] body = body(path);
    if (path.startsWith("/same/")) {
      count(full, path);
      req.response().putHeader("Content-Type", "text/html; charset=iso-8859-1").end(Buffer.buffer(body));
      return;
    }
    String etag = "\"" + sha256(body).substring(0, 16) + "\"";
    if (req.getHeader("If-None-Match") != null) {
      count(conditional, path);
    }
    if (etag.equals(req.getHeader("If-None-Match"))) {
      count(notModified, path);
      req.response().setStatusCode(304).putHeader("ETag", etag).end();
      return;
    }
    count(full, path);
    req.response().putHeader("Content-Type", "text/html").putHeader("ETag", etag).putHeader("X-Origin", "versioned")
        .end(Buffer.buffer(body));
  }

  private void serve(HttpServerRequest req) {
    if (delayMs > 0) {
      vertx.setTimer(delayMs, id -> answer(req));
    } else {
      answer(req);
    }
  }

  private static void count(Map<String, AtomicInteger> counts, String path) {
    counts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
  }

  @Override
  public void close() {
    TestNode.await(vertx.close());
  }
}
