package dev.fetchbus.archive;

import java.net.IDN;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The ASCII URI a WARC-Target-URI needs, from a URL as fetchbus stored it. Stored URLs are normally
 * already percent-encoded by the normaliser, and then pass through unchanged; anything else (raw
 * non-ASCII, a space, an IDN host) is encoded here, because WARC readers parse the field as a URI
 * and a raw character would make the record unreadable to some of them.
 */
final class TargetUri {
  /** RFC 3986 characters kept as they are outside the authority; '%' is handled apart. */
  private static final String KEPT = "-._~:/?#@!$&'()*+,;=";

  private TargetUri() {}

  static URI of(String url) {
    try {
      return URI.create(toAscii(url));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot archive URL " + url + ": " + e.getMessage(), e);
    }
  }

  static String toAscii(String url) {
    int schemeEnd = url.indexOf("://");
    if (schemeEnd < 0) {
      return encode(url);
    }
    int authorityStart = schemeEnd + 3;
    int authorityEnd = authorityStart;
    while (authorityEnd < url.length() && "/?#".indexOf(url.charAt(authorityEnd)) < 0) {
      authorityEnd++;
    }
    return url.substring(0, authorityStart)
        + authority(url.substring(authorityStart, authorityEnd))
        + encode(url.substring(authorityEnd));
  }

  /** An IDN host becomes punycode, as a browser would send it in the Host header. */
  private static String authority(String authority) {
    if (isAscii(authority)) {
      return authority;
    }
    int at = authority.lastIndexOf('@');
    String userInfo = authority.substring(0, at + 1);
    String hostPort = authority.substring(at + 1);
    int colon = hostPort.lastIndexOf(':');
    String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
    String port = colon < 0 ? "" : hostPort.substring(colon);
    return encode(userInfo) + IDN.toASCII(host, IDN.ALLOW_UNASSIGNED) + port;
  }

  /** Percent-encodes (UTF-8) every character a URI may not hold, keeping valid escapes. */
  private static String encode(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (isKept(c) || (c == '%' && isEscape(text, i))) {
        out.append(c);
      } else {
        int end = Character.isHighSurrogate(c) && i + 1 < text.length() ? i + 2 : i + 1;
        for (byte b : text.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
          out.append('%').append(hex(b >> 4)).append(hex(b));
        }
        i = end - 1;
      }
    }
    return out.toString();
  }

  private static boolean isKept(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || KEPT.indexOf(c) >= 0;
  }

  private static boolean isEscape(String text, int percent) {
    return percent + 2 < text.length()
        && Character.digit(text.charAt(percent + 1), 16) >= 0
        && Character.digit(text.charAt(percent + 2), 16) >= 0;
  }

  private static char hex(int nibble) {
    return "0123456789ABCDEF".charAt(nibble & 0xF);
  }

  private static boolean isAscii(String text) {
    return text.chars().allMatch(c -> c < 0x80);
  }
}
