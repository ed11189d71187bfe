package dev.fetchbus.fetch;

import dev.fetchbus.config.Settings;
import dev.fetchbus.extract.PageExtractor;
import dev.fetchbus.extract.UrlNormalizer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.URI;
import java.util.HashSet;
import java.util.Set;

/**
 * Fetches one URL: resolve, judge the address, connect to that address, follow redirects (judging
 * every hop), stream the body under a byte cap, all under one total deadline. Vert.x's own
 * timeouts only count idle time, so the deadline is a timer of ours that resets the request.
 */
public final class HttpFetcher {
  private final Vertx vertx;
  private final HttpClient client;
  private final NetworkGuard guard;
  private final HostResolver resolver;
  private final Settings.Fetch config;

  public HttpFetcher(Vertx vertx, HttpClient client, NetworkGuard guard, HostResolver resolver, Settings.Fetch config) {
    this.vertx = vertx;
    this.client = client;
    this.guard = guard;
    this.resolver = resolver;
    this.config = config;
  }

  /** Never fails: every failure is an outcome of one taxonomy type. */
  public Future<FetchOutcome> fetch(FetchTask task) {
    return new Run(task).start();
  }

  /** A response whose body was read (perhaps only up to the cap). */
  private record Body(String url, int status, String statusMessage, MultiMap headers, Buffer data, boolean truncated) {}

  private final class Run {
    private final FetchTask task;
    private final long startedMs = System.currentTimeMillis();
    private final Promise<FetchOutcome> outcome = Promise.promise();
    private final Set<String> visited = new HashSet<>();
    private HttpClientRequest current;
    private int redirects;

    Run(FetchTask task) {
      this.task = task;
    }

    Future<FetchOutcome> start() {
      long deadline = vertx.setTimer(task.timeoutMs(), id -> abort());
      visited.add(task.url());
      Future.succeededFuture(task.url())
          .compose(this::hop)
          .compose(this::extract)
          .onSuccess(outcome::tryComplete)
          .onFailure(err -> outcome.tryComplete(failed(FailureClassifier.classify(err))));
      return outcome.future().onComplete(done -> vertx.cancelTimer(deadline));
    }

    private void abort() {
      FetchFailure timeout = new FetchFailure(FetchError.TIMEOUT,
          "no complete response within " + task.timeoutMs() + " ms");
      if (outcome.tryComplete(failed(timeout)) && current != null) {
        current.reset(0, timeout);
      }
    }

    private FetchOutcome failed(FetchFailure failure) {
      return FetchOutcome.failure(task.url(), failure, redirects, startedMs);
    }

    private Future<Body> hop(String url) {
      URI uri = URI.create(url);
      boolean ssl = "https".equalsIgnoreCase(uri.getScheme());
      int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
      String host = uri.getHost();
      String bareHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      return resolver.resolve(bareHost)
          .compose(addresses -> client.request(requestOptions(uri, host, port, ssl, guard.choose(bareHost, addresses))))
          .compose(request -> {
            current = request;
            return request.send();
          })
          .compose(response -> isRedirect(response) ? follow(url, response) : read(url, response));
    }

    private RequestOptions requestOptions(URI uri, String host, int port, boolean ssl, InetAddress address) {
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
      return new RequestOptions()
          .setMethod(HttpMethod.GET)
          .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
          .setHost(host)
          .setPort(port)
          .setSsl(ssl)
          .setURI(path + query)
          .setConnectTimeout(config.connectTimeoutMs())
          .setIdleTimeout(config.idleTimeoutMs())
          .putHeader(HttpHeaders.USER_AGENT, config.userAgent())
          .putHeader(HttpHeaders.ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8");
    }

    private boolean isRedirect(HttpClientResponse response) {
      int status = response.statusCode();
      return (status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
          && response.getHeader(HttpHeaders.LOCATION) != null;
    }

    private Future<Body> follow(String from, HttpClientResponse response) {
      String location = response.getHeader(HttpHeaders.LOCATION).strip();
      String target;
      try {
        target = URI.create(from).resolve(location).toString();
      } catch (IllegalArgumentException e) {
        throw new FetchFailure(FetchError.BAD_URL, "redirect to a malformed Location: " + location);
      }
      UrlNormalizer.Result next = UrlNormalizer.normalize(target);
      if (next instanceof UrlNormalizer.Rejected rejected) {
        throw new FetchFailure(FetchError.BAD_URL, "redirect to an unfetchable URL (" + rejected.reason() + "): " + target);
      }
      String nextUrl = ((UrlNormalizer.Accepted) next).url();
      if (redirects >= config.maxRedirects()) {
        throw new FetchFailure(FetchError.REDIRECT_LOOP, "more than " + config.maxRedirects() + " redirects");
      }
      if (!visited.add(nextUrl)) {
        throw new FetchFailure(FetchError.REDIRECT_LOOP, "redirect loop back to " + nextUrl);
      }
      redirects++;
      return response.end().compose(drained -> hop(nextUrl));
    }

    private Future<Body> read(String url, HttpClientResponse response) {
      int cap = task.maxBodyBytes();
      Promise<Body> body = Promise.promise();
      Buffer data = Buffer.buffer();
      response.exceptionHandler(body::tryFail);
      response.handler(chunk -> {
        if (body.future().isComplete()) {
          return;
        }
        int room = cap - data.length();
        if (chunk.length() <= room) {
          data.appendBuffer(chunk);
          return;
        }
        data.appendBuffer(chunk, 0, room);
        body.tryComplete(new Body(url, response.statusCode(), response.statusMessage(), response.headers(), data, true));
        response.request().reset();
      });
      response.endHandler(end -> body.tryComplete(
          new Body(url, response.statusCode(), response.statusMessage(), response.headers(), data, false)));
      return body.future();
    }

    private Future<FetchOutcome> extract(Body body) {
      String contentType = body.headers().get(HttpHeaders.CONTENT_TYPE);
      byte[] bytes = body.data().getBytes();
      return vertx.executeBlocking(() -> PageExtractor.extract(bytes, contentType, body.url()), false)
          .map(page -> toOutcome(body, contentType, bytes.length, page));
    }

    private FetchOutcome toOutcome(Body body, String contentType, int length, PageExtractor.Extracted page) {
      long now = System.currentTimeMillis();
      FetchError error = null;
      String message = null;
      if (body.status() < 200 || body.status() > 299) {
        error = FetchError.HTTP_STATUS;
        message = body.status() + " " + body.statusMessage();
      } else if (body.truncated()) {
        error = FetchError.TOO_LARGE;
        message = "body exceeded " + task.maxBodyBytes() + " bytes; the first " + length + " were kept";
      }
      return new FetchOutcome(body.url(), body.status(), contentType, length, body.truncated(), page.title(),
          page.contentHash(), page.links(), redirects, body.headers().get(HttpHeaders.ETAG),
          body.headers().get(HttpHeaders.LAST_MODIFIED), now, (int) (now - startedMs), error, message,
          RetryAfter.millis(body.headers().get("Retry-After"), now));
    }
  }
}
