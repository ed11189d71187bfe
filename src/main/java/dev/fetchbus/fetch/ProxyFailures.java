package dev.fetchbus.fetch;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientResponse;

/**
 * Failures of a proxied request that are the proxy's, not the origin's, as {@code proxy} failures:
 * the proxy could not be reached, or it refused us (a 407 answer, a failed SOCKS5 login, a denied
 * CONNECT; those arrive as Netty's {@code ProxyConnectException} and are typed by
 * {@link FailureClassifier}). Messages name the proxy's address, never its credentials.
 */
final class ProxyFailures {
  private ProxyFailures() {}

  /** A failure to get a connection through {@code route}: not reaching the proxy at all is the proxy's failure. */
  static FetchFailure classify(ProxyRoute route, Throwable err) {
    FetchFailure failure = FailureClassifier.classify(err);
    return switch (failure.type()) {
      case REFUSED, TIMEOUT, DNS -> new FetchFailure(FetchError.PROXY_UNREACHABLE,
          route.describe() + " unreachable (" + failure.type().code() + "): " + failure.getMessage(), err);
      case PROXY -> new FetchFailure(FetchError.PROXY, route.describe() + " refused: " + failure.getMessage(), err);
      default -> failure;
    };
  }

  /**
   * An http:// request forwarded by an HTTP proxy gets the proxy's own refusal as a response:
   * a 407 there is the proxy asking for credentials, not the page's answer.
   */
  static Future<HttpClientResponse> checkResponse(ProxyRoute route, HttpClientResponse response) {
    if (route.proxied() && response.statusCode() == 407) {
      FetchFailure refused = new FetchFailure(FetchError.PROXY, route.describe() + " refused: 407 "
          + response.statusMessage()
          + (route.proxy().hasCredentials() ? " (credentials rejected)" : " (no credentials)"));
      // drained, not reset: the proxy's short answer ends on its own (and the fetch deadline still runs)
      return response.end().transform(drained -> Future.failedFuture(refused));
    }
    return Future.succeededFuture(response);
  }
}
