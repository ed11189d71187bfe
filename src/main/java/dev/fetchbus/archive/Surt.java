package dev.fetchbus.archive;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The CDXJ sort key of a URL, computed the way warcio.js's {@code cdx-index} computes it, so that an
 * index built here and one built by warcio from the same file are the same lines. Its rules (read
 * from warcio.js 2.4): only http(s) URLs are keyed, others are kept as they are; a leading
 * {@code www}, {@code www2}… label is dropped (matched case-sensitively, before lower-casing); the
 * whole URL is lower-cased, path and query included; the host labels are reversed and joined with
 * commas, then a non-default port, then {@code ')'}; the path has its dot segments resolved and is
 * {@code /} when empty; the query's {@code &}-separated parts are sorted; the fragment and any user
 * info are dropped. Its input is an ASCII URI from {@link TargetUri}, so the only further escape
 * the WHATWG URL parser would add is {@code '} in the query, done here too.
 */
final class Surt {
  private static final Pattern LEADING_WWW = Pattern.compile("^(https?://)www\\d*\\.");

  private Surt() {}

  static String key(String uri) {
    if (!uri.startsWith("https:") && !uri.startsWith("http:")) {
      return uri;
    }
    String stripped = LEADING_WWW.matcher(uri).replaceFirst("$1");
    try {
      return parsedKey(stripped.toLowerCase(Locale.ROOT));
    } catch (RuntimeException e) {
      return stripped; // warcio falls back to the unparsed URL when its URL parser refuses it
    }
  }

  private static String parsedKey(String url) {
    int authorityStart = url.indexOf("//");
    if (authorityStart < 0) {
      throw new IllegalArgumentException("no authority: " + url);
    }
    authorityStart += 2;
    int authorityEnd = indexOfAny(url, "/?#", authorityStart);
    int fragment = url.indexOf('#', authorityEnd);
    String rest = fragment < 0 ? url.substring(authorityEnd) : url.substring(authorityEnd, fragment);
    int question = rest.indexOf('?');
    String path = question < 0 ? rest : rest.substring(0, question);
    String query = question < 0 ? "" : rest.substring(question + 1);
    boolean https = url.startsWith("https:");
    return host(url.substring(authorityStart, authorityEnd), https) + path(path) + query(query);
  }

  /** Reversed host labels, the port unless it is the scheme's default, and the closing paren. */
  private static String host(String authority, boolean https) {
    String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
    int colon = hostPort.lastIndexOf(':');
    if (colon < hostPort.lastIndexOf(']')) {
      colon = -1; // a colon inside an IPv6 literal is not a port separator
    }
    String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
    String port = colon < 0 ? "" : hostPort.substring(colon + 1);
    String[] labels = host.split("\\.", -1);
    Collections.reverse(Arrays.asList(labels));
    String key = String.join(",", labels);
    if (!port.isEmpty() && Integer.parseInt(port) != (https ? 443 : 80)) {
      key += ":" + Integer.parseInt(port);
    }
    return key + ")";
  }

  /** The path with "." and ".." segments resolved, as the WHATWG URL parser resolves them. */
  private static String path(String path) {
    if (path.isEmpty()) {
      return "/";
    }
    Deque<String> kept = new ArrayDeque<>();
    String[] segments = path.substring(1).split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      boolean last = i == segments.length - 1;
      switch (segments[i]) {
        case "." -> { if (last) kept.addLast(""); }
        case ".." -> {
          kept.pollLast();
          if (last) kept.addLast("");
        }
        default -> kept.addLast(segments[i]);
      }
    }
    return "/" + String.join("/", kept);
  }

  private static String query(String query) {
    if (query.isEmpty()) {
      return "";
    }
    String[] parts = query.replace("'", "%27").split("&", -1);
    Arrays.sort(parts); // String order is UTF-16 code unit order, as JavaScript's default sort
    return "?" + String.join("&", parts);
  }

  private static int indexOfAny(String text, String chars, int from) {
    for (int i = from; i < text.length(); i++) {
      if (chars.indexOf(text.charAt(i)) >= 0) {
        return i;
      }
    }
    return text.length();
  }
}
