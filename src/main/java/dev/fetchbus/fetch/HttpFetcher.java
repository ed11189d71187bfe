package dev.fetchbus.fetch;

import dev.fetchbus.config.ProxyUrl;
import dev.fetchbus.config.Settings;
import dev.fetchbus.content.BodyBudget;
import dev.fetchbus.extract.UrlNormalizer;
import dev.fetchbus.store.Validators;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * Downloads one URL: resolve, judge the address, connect to that address, follow redirects (judging
 * every hop), stream the body under a byte cap, all under one total deadline. Vert.x's own
 * timeouts only count idle time, so the deadline is a timer of ours that resets the request.
 *
 * <p>The body counts against the node's {@link BodyBudget} from its first byte until the caller's
 * use of it is over, which is why a download is handed to a function rather than returned.
 */
public final class HttpFetcher {
  private final Vertx vertx;
  private final WebClients clients;
  private final ProxyUrl nodeProxy;
  private final NetworkGuard guard;
  private final HostResolver resolver;
  private final Settings.Fetch config;
  private final BodyBudget budget;

  public BodyBudget budget() {
    return budget;
  }

  /** The node's User-Agent ({@code fetch.userAgent}), for requests of jobs that set none. */
  String nodeUserAgent() {
    return config.userAgent();
  }

  public HttpFetcher(Vertx vertx, WebClients clients, NetworkGuard guard, HostResolver resolver, Settings.Fetch config,
      BodyBudget budget) {
    this(vertx, clients, guard, resolver, config, budget, null);
  }

  /**
   * A fetcher whose requests go through {@code nodeProxy} ({@code fetch.proxy}, or null) unless a job names its own.
   */
  public HttpFetcher(Vertx vertx, WebClients clients, NetworkGuard guard, HostResolver resolver, Settings.Fetch config,
      BodyBudget budget, ProxyUrl nodeProxy) {
    this.vertx = vertx;
    this.clients = clients;
    this.nodeProxy = nodeProxy;
    this.guard = guard;
    this.resolver = resolver;
    this.config = config;
    this.budget = budget;
  }

  /**
   * The response to {@code url}, handed to {@code use}; or a {@link FetchFailure} of one taxonomy
   * type. The body's bytes are given back to the budget once {@code use}'s future completes.
   */
  public <T> Future<T> download(String url, int timeoutMs, int maxBytes, Function<Download, Future<T>> use) {
    return download(url, timeoutMs, maxBytes, null, use);
  }

  /** A conditional download: with validators, an unchanged page answers 304 and no body. */
  public <T> Future<T> download(String url, int timeoutMs, int maxBytes, Validators validators,
      Function<Download, Future<T>> use) {
    return download(url, timeoutMs, maxBytes, validators, RequestProfile.plain(config.userAgent()), use);
  }

  /**
   * A download with a job's user agent, headers, cookies and proxy (the node's route, {@code fetch.proxy}
   * or none, when the job names no proxy). Cookies its responses set are stored before {@code use}
   * sees the response, whether or not the download succeeded.
   */
  <T> Future<T> download(String url, int timeoutMs, int maxBytes, Validators validators, RequestProfile profile,
      Function<Download, Future<T>> use) {
    Run run = new Run(url, timeoutMs, maxBytes, validators, profile, ProxyRoute.of(profile.proxy(), nodeProxy));
    return run.start().eventually(profile::persist).compose(use).andThen(done -> run.giveBack());
  }

  private final class Run {
    private final String url;
    private final int timeoutMs;
    private final int maxBytes;
    private final Validators validators;
    private final RequestProfile profile;
    private final ProxyRoute route;
    private final long startedMs = System.currentTimeMillis();
    private final Promise<Download> result = Promise.promise();
    private final Set<String> visited = new HashSet<>();
    private HttpClientRequest current;
    private int redirects;
    private final Context context = vertx.getOrCreateContext();
    private long taken;
    private String hostHeader;
    private boolean givenBack;

    Run(String url, int timeoutMs, int maxBytes, Validators validators, RequestProfile profile, ProxyRoute route) {
      this.url = url;
      this.profile = profile;
      this.timeoutMs = timeoutMs;
      this.maxBytes = maxBytes;
      this.validators = validators;
      this.route = route;
    }

    Future<Download> start() {
      long deadline = vertx.setTimer(timeoutMs, id -> abort());
      visited.add(url);
      Future.succeededFuture(url)
          .compose(this::hop)
          .onSuccess(result::tryComplete)
          .onFailure(err -> result.tryFail(FailureClassifier.classify(err)));
      return result.future().onComplete(done -> vertx.cancelTimer(deadline));
    }

    private void abort() {
      FetchFailure timeout = new FetchFailure(FetchError.TIMEOUT, "no complete response within " + timeoutMs + " ms");
      if (result.tryFail(timeout) && current != null) {
        current.reset(0, timeout);
      }
    }

    private Future<Download> hop(String url) {
      URI uri = URI.create(url);
      boolean ssl = "https".equalsIgnoreCase(uri.getScheme());
      int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
      String host = uri.getHost();
      String bareHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      hostHeader = port == (ssl ? 443 : 80) ? host : host + ":" + port;
      return resolver.resolve(bareHost)
          .compose(addresses -> profile.headers(uri).compose(headers -> connect(ssl, conditional(HopRequest.options(
              uri, port, ssl, guard.choose(bareHost, addresses), config, profile.userAgent(), headers, route,
              hostHeader)))))
          .compose(request -> {
            if (result.future().isComplete()) {
              // the deadline passed while connecting: the deadline covers the whole fetch, so the
              // late connection is given up at once rather than used unbounded
              request.reset();
              return Future.failedFuture(new FetchFailure(FetchError.TIMEOUT, "connected after the deadline"));
            }
            current = request;
            return request.send();
          })
          .compose(response -> ProxyFailures.checkResponse(route, response))
          .compose(response -> {
            profile.received(uri, response.headers().getAll(HttpHeaders.SET_COOKIE));
            return isRedirect(response) ? follow(url, response) : read(url, response);
          });
    }

    /** A connection for the request; through a proxy, failing to reach the proxy is a {@code proxy} failure. */
    private Future<HttpClientRequest> connect(boolean ssl, RequestOptions options) {
      Future<HttpClientRequest> request = clients.forScheme(ssl).request(options);
      return route.proxied() ? request.recover(err -> Future.failedFuture(ProxyFailures.classify(route, err)))
          : request;
    }

    /** Validators belong to the URL asked for: only its first hop is conditional. */
    private RequestOptions conditional(RequestOptions options) {
      if (validators == null || redirects > 0) {
        return options;
      }
      if (validators.etag() != null) {
        options.putHeader(HttpHeaders.IF_NONE_MATCH, validators.etag());
      }
      if (validators.lastModified() != null) {
        options.putHeader(HttpHeaders.IF_MODIFIED_SINCE, validators.lastModified());
      }
      return options;
    }

    private boolean isRedirect(HttpClientResponse response) {
      int status = response.statusCode();
      return (status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
          && response.getHeader(HttpHeaders.LOCATION) != null;
    }

    private Future<Download> follow(String from, HttpClientResponse response) {
      String location = response.getHeader(HttpHeaders.LOCATION).strip();
      String target;
      try {
        target = URI.create(from).resolve(location).toString();
      } catch (IllegalArgumentException e) {
        throw new FetchFailure(FetchError.BAD_URL, "redirect to a malformed Location: " + location);
      }
      UrlNormalizer.Result next = UrlNormalizer.normalize(target);
      if (next instanceof UrlNormalizer.Rejected rejected) {
        throw new FetchFailure(FetchError.BAD_URL,
            "redirect to an unfetchable URL (" + rejected.reason() + "): " + target);
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

    /**
     * The body as it comes on the wire, coded or not ({@link Download#decoded()} undoes the coding
     * later, off the event loop), cut at {@code maxBytes}. A coded body is smaller than the one it
     * stands for (but for a few bytes of framing around an incompressible one), so a coded body cut
     * at the cap decodes past it too.
     */
    private Future<Download> read(String finalUrl, HttpClientResponse response) {
      Promise<Download> body = Promise.promise();
      BodyChunks data = new BodyChunks();
      response.exceptionHandler(body::tryFail);
      response.handler(chunk -> {
        if (body.future().isComplete() || result.future().isComplete()) {
          return;
        }
        int room = maxBytes - data.length();
        int keep = Math.min(room, chunk.length());
        data.add(chunk, keep);
        boolean readOn = take(keep, response);
        if (keep < chunk.length()) {
          body.tryComplete(downloaded(finalUrl, response, data, true));
          response.request().reset();
        } else if (!readOn) {
          response.pause();
        }
      });
      response.endHandler(end -> {
        if (!body.future().isComplete()) {
          body.tryComplete(downloaded(finalUrl, response, data, false));
        }
      });
      return body.future();
    }

    /**
     * Counts bytes kept against the budget, twice: the chunks and, once the body is whole, the one
     * array they are joined into. False when the response must wait for room.
     */
    private boolean take(int bytes, HttpClientResponse response) {
      if (givenBack) {
        return true; // a response still arriving after its fetch ended (a timeout): never counted again
      }
      long cost = 2L * bytes;
      taken += cost;
      return budget.take(this, cost, () -> context.runOnContext(v -> response.resume()));
    }

    /** The caller is done with the body (or there was none to use): its bytes are free again. */
    void giveBack() {
      givenBack = true;
      budget.finished(this);
      budget.give(taken);
      taken = 0;
    }

    private Download downloaded(String finalUrl, HttpClientResponse response, BodyChunks data, boolean truncated) {
      return new Download(finalUrl, response.statusCode(), response.statusMessage(), response.headers(), data.join(),
          truncated, redirects, startedMs, HopRequest.protocol(response.version()),
          HopRequest.sentHeaders(hostHeader, response.request()),
          ContentCoding.of(response.getHeader(HttpHeaders.CONTENT_ENCODING)), maxBytes);
    }
  }
}
