package dev.fetchbus.fetch;

import dev.fetchbus.content.Header;
import dev.fetchbus.content.HttpExchange;
import io.vertx.core.MultiMap;
import java.util.List;

/**
 * A response whose body was read (into one array of exactly its length: the copies of a large body
 * are what fills a heap), perhaps only up to the cap ({@code truncated}), after following
 * {@code redirects} redirects to {@code url}; with the protocol it came over and the request headers
 * of the hop that got it.
 */
public record Download(
    String url, int status, String statusMessage, MultiMap headers, byte[] body, boolean truncated, int redirects,
    long startedMs, String protocol, List<Header> requestHeaders) {

  public String header(CharSequence name) {
    return headers.get(name);
  }

  public boolean ok() {
    return status >= 200 && status <= 299;
  }

  /** The request and response heads, as an archive keeps them. CPU work (JSON): call it on a worker. */
  public HttpExchange exchange() {
    return HttpExchange.of(protocol, statusMessage, requestHeaders, Header.of(headers));
  }
}
