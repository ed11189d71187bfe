package dev.fetchbus.content;

import java.util.List;

/**
 * The request that was sent and the status line and headers that came back, for the hop that gave
 * the record its response (the last one, after redirects): what a WARC's request and response
 * records are made of. The headers are kept as the JSON the database stores ({@link Header#toJson}),
 * encoded where the exchange is made, on a worker thread, not by the store's event loop.
 */
public record HttpExchange(String protocol, String reason, String requestHeadersJson, String responseHeadersJson) {
  public static final HttpExchange NONE = new HttpExchange(null, null, null, null);

  public static HttpExchange of(String protocol, String reason, List<Header> requestHeaders,
      List<Header> responseHeaders) {
    return new HttpExchange(protocol, reason, Header.toJson(requestHeaders), Header.toJson(responseHeaders));
  }
}
