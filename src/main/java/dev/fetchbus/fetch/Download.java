package dev.fetchbus.fetch;

import dev.fetchbus.content.Header;
import dev.fetchbus.content.HttpExchange;
import io.vertx.core.MultiMap;
import java.util.List;

/**
 * A response whose body was read (into one array of exactly its length: the copies of a large body
 * are what fills a heap), perhaps only up to the cap {@code maxBytes} ({@code truncated}), after
 * following {@code redirects} redirects to {@code url}; with the protocol it came over and the
 * request headers of the hop that got it. The headers are the ones received. {@code coding} is the
 * content coding the body still has, as it came on the wire (null: none left to undo): the
 * {@linkplain #decoded() decoding} is CPU work, for the CPU pool.
 */
public record Download(
    String url, int status, String statusMessage, MultiMap headers, byte[] body, boolean truncated, int redirects,
    long startedMs, String protocol, List<Header> requestHeaders, ContentCoding coding, int maxBytes) {

  public String header(CharSequence name) {
    return headers.get(name);
  }

  /**
   * This response with its body decoded from its content coding, at most {@code maxBytes} of it.
   * CPU work: call it on the CPU pool (or a worker), never on an event loop.
   *
   * @throws FetchFailure of type {@code protocol} when the body is not in the coding its header names
   */
  public Download decoded() {
    if (coding == null) {
      return this;
    }
    ContentCoding.Decoded plain = coding.decode(body, maxBytes, truncated);
    return new Download(url, status, statusMessage, headers, plain.body(), plain.truncated(), redirects, startedMs,
        protocol, requestHeaders, null, maxBytes);
  }

  public boolean ok() {
    return status >= 200 && status <= 299;
  }

  /** The request and response heads, as an archive keeps them. CPU work (JSON): call it on a worker. */
  public HttpExchange exchange() {
    return HttpExchange.of(protocol, statusMessage, requestHeaders, Header.of(headers));
  }
}
