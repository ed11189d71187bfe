package dev.fetchbus.content;

import java.util.List;

/**
 * The request that was sent and the status line and headers that came back, for the hop that gave
 * the record its response (the last one, after redirects): what a WARC's request and response
 * records are made of.
 */
public record HttpExchange(String protocol, String reason, List<Header> requestHeaders, List<Header> responseHeaders) {
  public static final HttpExchange NONE = new HttpExchange(null, null, List.of(), List.of());
}
