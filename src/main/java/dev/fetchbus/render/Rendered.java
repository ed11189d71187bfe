package dev.fetchbus.render;

import java.util.Map;

/**
 * One page as Chromium left it: the main document's answer (after {@code redirects} redirects to
 * {@code url}), its body: the rendered DOM serialised as UTF-8 HTML ({@code dom}), or the bytes
 * as served when the document was not HTML (an image, a text file), a PNG of the page when asked, and what the page's
 * own requests came to. {@code refused} says why the page itself was not loaded (the guard refused its
 * document, or a redirect hop of it); then nothing else is set. {@code protocol} is the one the
 * main document came over, as records name it ({@code HTTP/2}, {@code HTTP/1.1}).
 */
public record Rendered(String url, int status, String statusText, Map<String, String> headers,
    Map<String, String> requestHeaders, byte[] body, boolean dom, byte[] screenshot, int redirects, int requests,
    int aborted, String refused, String protocol) {

  static Rendered refused(String url, String reason, int requests, int aborted) {
    return new Rendered(url, 0, "", Map.of(), Map.of(), new byte[0], false, null, 0, requests, aborted, reason, null);
  }
}
