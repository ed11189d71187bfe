package dev.fetchbus.support;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * An origin on one loopback address that records every request's headers, for tests of what a job
 * sends where. Paths answer as set with {@link #on}; any other path is a small HTML page, and
 * robots.txt is 404 unless set.
 */
public final class HeaderOrigin implements AutoCloseable {
  /** One request as it arrived: its path and a copy of its headers. */
  public record Seen(String path, MultiMap headers) {
    public String header(String name) {
      return headers.get(name);
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final String host;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final Map<String, Consumer<HttpServerRequest>> handlers = new ConcurrentHashMap<>();

  public HeaderOrigin(String host) {
    this.host = host;
    server = TestNode.await(vertx.createHttpServer().requestHandler(this::handle).listen(0, host));
  }

  /** Answers {@code path} with {@code handler}. */
  public HeaderOrigin on(String path, Consumer<HttpServerRequest> handler) {
    handlers.put(path, handler);
    return this;
  }

  /** Answers {@code path} with an HTML page of these links. */
  public HeaderOrigin page(String path, String... links) {
    StringBuilder html = new StringBuilder("<html><head><title>" + path + "</title></head><body>");
    for (String link : links) {
      html.append("<a href=\"").append(link).append("\">x</a>");
    }
    String body = html.append("</body></html>").toString();
    return on(path, req -> req.response().putHeader("Content-Type", "text/html").end(body));
  }

  public String url(String path) {
    return "http://" + host + ":" + server.actualPort() + path;
  }

  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** The requests for {@code path}, in the order they came. */
  public List<Seen> seen(String path) {
    return seen.stream().filter(s -> s.path().equals(path)).toList();
  }

  @Override
  public void close() {
    TestNode.await(vertx.close());
  }

  private void handle(HttpServerRequest req) {
    seen.add(new Seen(req.path(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers())));
    Consumer<HttpServerRequest> handler = handlers.get(req.path());
    if (handler != null) {
      handler.accept(req);
    } else if (req.path().equals("/robots.txt")) {
      req.response().setStatusCode(404).end();
    } else {
      req.response().putHeader("Content-Type", "text/html").end("<html><title>" + req.path() + "</title></html>");
    }
  }
}
