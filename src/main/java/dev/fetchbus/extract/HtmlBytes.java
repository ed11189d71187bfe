package dev.fetchbus.extract;

/**
 * Byte classes for {@link HtmlScanner}: what each byte ends, one bit per scanner loop, so a loop
 * does one table lookup per byte instead of four to eight comparisons. The node runs C1 only
 * (docs/operations.md, "The JIT compilers"), which neither merges those comparisons nor keeps the
 * byte in a register across them; the scanner took 40 % of the CPU pool's samples on a crawl of the
 * manual before the table.
 */
final class HtmlBytes {
  /** The class bits of each byte value ({@code CLASS[b & 0xff]}). */
  static final byte[] CLASS = new byte[256];
  /** HTML's ASCII whitespace. */
  static final int SPACE = 1;
  /** A tag name's end: space, '>' or '/'. */
  static final int TAG_NAME_END = 2;
  /** An attribute name's end: space, '=', '>' or '/' (a '/' at the name's start is part of it). */
  static final int ATTRIBUTE_NAME_END = 4;
  /** An unquoted attribute value's end: space or '>'. */
  static final int UNQUOTED_END = 8;

  static {
    for (char c : new char[] {' ', '\n', '\t', '\r', '\f'}) {
      CLASS[c] = SPACE | TAG_NAME_END | ATTRIBUTE_NAME_END | UNQUOTED_END;
    }
    CLASS['>'] = TAG_NAME_END | ATTRIBUTE_NAME_END | UNQUOTED_END;
    CLASS['/'] = TAG_NAME_END | ATTRIBUTE_NAME_END;
    CLASS['='] = ATTRIBUTE_NAME_END;
  }

  private HtmlBytes() {}

  static boolean isSpace(byte c) {
    return (CLASS[c & 0xff] & SPACE) != 0;
  }

  static boolean isLetter(byte c) {
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  }

  static boolean isLetterOrDigit(byte c) {
    return isLetter(c) || (c >= '0' && c <= '9');
  }
}
