package dev.fetchbus.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An origin for politeness tests that records every request it gets (path and arrival time) and
 * measures its own concurrency. Its robots.txt status, body and delay are settable. {@code /page/N}
 * answers after {@code pageDelayMs}; the first request under {@code /busy/} gets 429 with
 * {@code Retry-After}, later ones a page. {@link #serve} sets a fixed answer for a path (a sitemap).
 * It listens on 127.0.0.1 unless given another loopback address, so one test can have two hosts.
 */
public final class RecordingOrigin implements AutoCloseable {
  /** One request as the origin saw it. */
  public record Hit(String path, long atMs) {}

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final String host;
  private final Map<String, String[]> served = new ConcurrentHashMap<>();
  private final List<Hit> hits = new CopyOnWriteArrayList<>();
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger maxActive = new AtomicInteger();
  private final AtomicBoolean busySent = new AtomicBoolean();
  private volatile int robotsStatus = 404;
  private volatile String robotsBody = "";
  private volatile long pageDelayMs;
  private volatile long robotsDelayMs;
  private volatile int retryAfterSeconds = 2;

  public RecordingOrigin() {
    this("127.0.0.1");
  }

  public RecordingOrigin(String host) {
    this.host = host;
    server = TestNode.await(vertx.createHttpServer().requestHandler(this::handle).listen(0, host));
  }

  /** Answers {@code path} with 200, this content type and body. */
  public RecordingOrigin serve(String path, String contentType, String body) {
    served.put(path, new String[] {contentType, body});
    return this;
  }

  public RecordingOrigin robots(int status, String body) {
    this.robotsStatus = status;
    this.robotsBody = body;
    return this;
  }

  /** Answers robots.txt only after {@code ms}, so that requests made meanwhile overlap its load. */
  public RecordingOrigin robotsDelayMs(long ms) {
    this.robotsDelayMs = ms;
    return this;
  }

  public RecordingOrigin pageDelayMs(long ms) {
    this.pageDelayMs = ms;
    return this;
  }

  public RecordingOrigin retryAfterSeconds(int seconds) {
    this.retryAfterSeconds = seconds;
    return this;
  }

  public String url(String path) {
    return "http://" + host + ":" + server.actualPort() + path;
  }

  public List<Hit> hits() {
    return List.copyOf(hits);
  }

  public long hits(String path) {
    return hits.stream().filter(h -> h.path().equals(path)).count();
  }

  public int maxConcurrent() {
    return maxActive.get();
  }

  @Override
  public void close() {
    TestNode.await(vertx.close());
  }

  private void handle(HttpServerRequest req) {
    hits.add(new Hit(req.path(), System.currentTimeMillis()));
    if (req.path().equals("/robots.txt")) {
      int status = robotsStatus;
      String body = robotsBody;
      Runnable answer = () -> req.response().setStatusCode(status).putHeader("Content-Type", "text/plain").end(body);
      if (robotsDelayMs > 0) {
        vertx.setTimer(robotsDelayMs, id -> answer.run());
      } else {
        answer.run();
      }
      return;
    }
    String[] fixed = served.get(req.path());
    if (fixed != null) {
      req.response().putHeader("Content-Type", fixed[0]).end(fixed[1]);
      return;
    }
    if (req.path().startsWith("/busy/") && busySent.compareAndSet(false, true)) {
      req.response().setStatusCode(429).putHeader("Retry-After", String.valueOf(retryAfterSeconds)).end("slow down");
      return;
    }
    maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
    Runnable answer = () -> {
      active.decrementAndGet();
      req.response().putHeader("Content-Type", "text/html")
          .end("<html><head><title>" + req.path() + "</title></head></html>");
    };
    if (pageDelayMs > 0) {
      vertx.setTimer(pageDelayMs, id -> answer.run());
    } else {
      answer.run();
    }
  }
}
