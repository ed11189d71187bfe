package dev.fetchbus.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One origin answering as many hosts, {@code 127.0.0.1} to {@code 127.0.0.N} on one port (all
 * loopback), so a job can spread over N hosts and N host partitions. Pages answer after
 * {@code delayMs}. It measures, per host, the most requests it ever served at once.
 */
public final class MultiHostOrigin implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final List<HttpServer> servers = new ArrayList<>();
  private final Map<String, AtomicInteger> active = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> maxActive = new ConcurrentHashMap<>();
  private final LongAdder requests = new LongAdder();
  private final AtomicInteger activeAll = new AtomicInteger();
  private final AtomicInteger maxActiveAll = new AtomicInteger();
  private final int hosts;
  private final long delayMs;
  private final int port;

  public MultiHostOrigin(int hosts, long delayMs) {
    this.hosts = hosts;
    this.delayMs = delayMs;
    HttpServer first = TestNode.await(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
    servers.add(first);
    this.port = first.actualPort();
    List<Future<HttpServer>> rest = new ArrayList<>();
    for (int i = 2; i <= hosts; i++) {
      rest.add(vertx.createHttpServer().requestHandler(this::handle).listen(port, host(i)));
    }
    rest.forEach(f -> servers.add(TestNode.await(f)));
  }

  public static String host(int i) {
    return "127.0.0." + i;
  }

  /** The URL of page {@code n}, on host {@code 1 + n % hosts}. */
  public String url(int n) {
    return "http://" + host(1 + n % hosts) + ":" + port + "/page/" + n;
  }

  public int hosts() {
    return hosts;
  }

  public long requests() {
    return requests.sum();
  }

  /** The most page requests (robots.txt aside) it served at once, over all hosts. */
  public int maxConcurrent() {
    return maxActiveAll.get();
  }

  /** The most concurrent requests any one host saw. */
  public int maxConcurrentPerHost() {
    return maxActive.values().stream().mapToInt(AtomicInteger::get).max().orElse(0);
  }

  @Override
  public void close() {
    TestNode.await(vertx.close());
  }

  private void handle(HttpServerRequest req) {
    requests.increment();
    String host = req.localAddress().host();
    int now = active.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
    maxActive.computeIfAbsent(host, h -> new AtomicInteger()).accumulateAndGet(now, Math::max);
    boolean page = !req.path().equals("/robots.txt");
    if (page) {
      maxActiveAll.accumulateAndGet(activeAll.incrementAndGet(), Math::max);
    }
    Runnable answer = () -> {
      active.get(host).decrementAndGet();
      activeAll.decrementAndGet();
      req.response().putHeader("Content-Type", "text/html")
          .end("<html><head><title>" + req.path() + "</title></head><body>ok</body></html>");
    };
    if (req.path().equals("/robots.txt")) {
      active.get(host).decrementAndGet();
      req.response().setStatusCode(404).end();
    } else if (delayMs > 0) {
      vertx.setTimer(delayMs, id -> answer.run());
    } else {
      answer.run();
    }
  }
}
