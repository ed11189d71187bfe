package dev.fetchbus.extract;

import org.jsoup.parser.Parser;

/**
 * Decodes the character references of a title or an attribute value as jsoup does (HTML's rules),
 * without setting up a jsoup parser for the common ones. {@link Parser#unescapeEntities} builds a
 * tree builder, a tokeniser and a character reader with its buffers per call, and every title of the
 * JDK's javadoc holds "&amp;amp;": decoding them here took a tenth off the extraction of those pages
 * (docs/benchmarks.md, "Javadoc, a third site"). A string whose every reference is one of the
 * unambiguous forms below is decoded here; any other (a named reference outside these six, one
 * without its ';', a code point HTML remaps) goes to jsoup whole, so the result is always jsoup's.
 */
final class CharacterReferences {
  private CharacterReferences() {}

  /** {@code raw} with its character references decoded; {@code inAttribute}: the rules of an attribute value. */
  static String decode(String raw, boolean inAttribute) {
    int amp = raw.indexOf('&');
    if (amp < 0) {
      return raw;
    }
    StringBuilder out = new StringBuilder(raw.length());
    int from = 0;
    while (amp >= 0) {
      out.append(raw, from, amp);
      int end = raw.indexOf(';', amp);
      int decoded = end < 0 ? -1 : codePoint(raw, amp + 1, end);
      if (decoded < 0) {
        return Parser.unescapeEntities(raw, inAttribute);
      }
      out.appendCodePoint(decoded);
      from = end + 1;
      amp = raw.indexOf('&', from);
    }
    return out.append(raw, from, raw.length()).toString();
  }

  /**
   * The code point of the reference between '&amp;' and ';' ({@code raw[from, end)}) when its meaning
   * is the same everywhere in HTML; else -1, for jsoup to decide.
   */
  private static int codePoint(String raw, int from, int end) {
    int length = end - from;
    if (length < 2 || length > 8) {
      return -1;
    }
    if (raw.charAt(from) == '#') {
      return numeric(raw, from + 1, end);
    }
    return switch (raw.substring(from, end)) {
      case "amp" -> '&';
      case "lt" -> '<';
      case "gt" -> '>';
      case "quot" -> '"';
      case "apos" -> '\'';
      case "nbsp" -> '\u00A0';
      default -> -1;
    };
  }

  /** A decimal or hex reference to a code point HTML keeps as it is (not NUL, C1, a surrogate or past Unicode). */
  private static int numeric(String raw, int from, int end) {
    boolean hex = from < end && (raw.charAt(from) == 'x' || raw.charAt(from) == 'X');
    int at = hex ? from + 1 : from;
    if (at == end) {
      return -1;
    }
    int value = 0;
    for (int i = at; i < end; i++) {
      int digit = asciiDigit(raw.charAt(i), hex);
      if (digit < 0 || value > 0x10FFFF) {
        return -1;
      }
      value = value * (hex ? 16 : 10) + digit;
    }
    boolean remapped = value == 0 || (value >= 0x80 && value <= 0x9F) || (value >= 0xD800 && value <= 0xDFFF)
        || value > 0x10FFFF;
    return remapped ? -1 : value;
  }

  /** The value of an ASCII digit (hex: and a-f, A-F), or -1: Java's own digits include other scripts'. */
  private static int asciiDigit(char c, boolean hex) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (hex && c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }
}
