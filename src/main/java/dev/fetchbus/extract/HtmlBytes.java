package dev.fetchbus.extract;

/**
 * Byte classes and byte searches for {@link HtmlScanner}. The classes say what each byte ends, one
 * bit per scanner loop, so a loop does one table lookup per byte instead of four to eight
 * comparisons. The node runs C1 only (docs/operations.md, "The JIT compilers"), which neither merges
 * those comparisons nor keeps the byte in a register across them; the scanner took 40 % of the CPU
 * pool's samples on a crawl of the manual before the table.
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

  /** Where {@code target} first is in {@code b[from, end)}; -1 if nowhere. */
  static int indexOf(byte[] b, byte target, int from, int end) {
    for (int i = from; i < end; i++) {
      if (b[i] == target) {
        return i;
      }
    }
    return -1;
  }

  /** Just past the next {@code target} at or after {@code from}; {@code end} if there is none. */
  static int skipPast(byte[] b, byte target, int from, int end) {
    int at = indexOf(b, target, from, end);
    return at < 0 ? end : at + 1;
  }

  /** Just past the "-->" that ends a comment whose text starts at {@code from}; {@code end} if unclosed. */
  static int skipComment(byte[] b, int from, int end) {
    for (int i = from; i + 2 < end; i++) {
      if (b[i] == '-' && b[i + 1] == '-' && b[i + 2] == '>') {
        return i + 3;
      }
    }
    return end;
  }
}
