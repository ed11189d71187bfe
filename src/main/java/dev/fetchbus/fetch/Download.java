package dev.fetchbus.fetch;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * A response whose body was read, perhaps only up to the cap ({@code truncated}), after following
 * {@code redirects} redirects to {@code url}.
 */
public record Download(
    String url, int status, String statusMessage, MultiMap headers, Buffer body, boolean truncated, int redirects,
    long startedMs) {

  public String header(CharSequence name) {
    return headers.get(name);
  }

  public boolean ok() {
    return status >= 200 && status <= 299;
  }
}
