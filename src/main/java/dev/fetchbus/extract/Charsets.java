package dev.fetchbus.extract;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which charset an HTML body is in, as browsers decide it: the Content-Type header's charset, then
 * a byte-order mark, then a {@code <meta>} in the first few kilobytes, then UTF-8.
 */
final class Charsets {
  private static final Pattern CHARSET = Pattern.compile("(?i)charset\\s*=\\s*[\"']?([^\\s;\"']+)");
  private static final int PRESCAN_BYTES = 4096;
  private static final TagNames META = new TagNames("meta");

  private Charsets() {}

  static Charset of(String contentType, byte[] body) {
    Charset declared = contentType == null ? null : named(contentType);
    if (declared != null) {
      return declared;
    }
    Charset bom = byteOrderMark(body);
    if (bom != null) {
      return bom;
    }
    Charset meta = fromMeta(body);
    return meta != null ? meta : StandardCharsets.UTF_8;
  }

  /** Whether ASCII bytes mean ASCII characters in this charset, so the scanner can read its bytes. */
  static boolean asciiCompatible(Charset charset) {
    String name = charset.name().toUpperCase(Locale.ROOT);
    return !name.startsWith("UTF-16") && !name.startsWith("UTF-32") && !name.startsWith("X-UTF-32")
        && !name.equals("UTF-7") && !name.startsWith("IBM0") && !name.startsWith("IBM-0") && charset.canEncode()
        && "<a href=\"x\">".equals(new String("<a href=\"x\">".getBytes(charset), StandardCharsets.ISO_8859_1));
  }

  /** The charset a Content-Type value (or a meta tag's content) names, if Java knows it. */
  static Charset named(String contentType) {
    Matcher m = CHARSET.matcher(contentType);
    return m.find() ? forName(m.group(1)) : null;
  }

  private static Charset forName(String name) {
    try {
      return Charset.forName(name.strip());
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      return null;
    }
  }

  private static Charset byteOrderMark(byte[] b) {
    if (b.length >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF) {
      return StandardCharsets.UTF_8;
    }
    if (b.length >= 2 && (b[0] & 0xff) == 0xFE && (b[1] & 0xff) == 0xFF) {
      return StandardCharsets.UTF_16BE;
    }
    if (b.length >= 2 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xFE) {
      return StandardCharsets.UTF_16LE;
    }
    return null;
  }

  /** {@code <meta charset>} or {@code <meta http-equiv=Content-Type content="...charset=...">}. */
  private static Charset fromMeta(byte[] body) {
    Charset[] found = new Charset[1];
    HtmlScanner scanner = new HtmlScanner(body, StandardCharsets.ISO_8859_1, META, new HtmlScanner.Handler() {
      @Override
      public void startTag(HtmlScanner.Tag tag) {
        if (found[0] != null) {
          return;
        }
        String charset = tag.attr("charset");
        if (charset != null) {
          found[0] = forName(charset);
        } else if ("content-type".equalsIgnoreCase(tag.attr("http-equiv")) && tag.attr("content") != null) {
          found[0] = named(tag.attr("content"));
        }
      }

      @Override
      public void title(String text) {
        // not needed for the charset
      }

      @Override
      public boolean done() {
        return found[0] != null; // the first charset a meta names decides; most pages name it at the top
      }
    });
    scanner.scan(Math.min(body.length, PRESCAN_BYTES));
    return found[0];
  }
}
