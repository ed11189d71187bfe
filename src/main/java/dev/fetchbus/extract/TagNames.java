package dev.fetchbus.extract;

import java.util.Arrays;
import java.util.Set;

/**
 * A small set of lower-case ASCII tag names, looked up straight from a body's bytes (any case)
 * without making a String of every tag the scanner meets.
 */
final class TagNames {
  /** Tags the scanner itself must notice: foreign content (SVG, MathML) and raw-text elements. */
  static final TagNames SPECIAL = new TagNames("svg", "math", "script", "style", "textarea", "title", "xmp",
      "iframe", "noembed", "noframes", "plaintext", "frameset");

  /** The elements whose contents are raw text, never markup. */
  private static final Set<String> RAW_TEXT = Set.of("script", "style", "textarea", "title", "xmp",
      "iframe", "noembed", "noframes", "plaintext");

  /** Names grouped by length, so a lookup compares only names that could match. */
  private final String[][] byLength = new String[16][];

  TagNames(String... names) {
    for (String name : names) {
      String[] same = byLength[name.length()];
      String[] grown = same == null ? new String[1] : Arrays.copyOf(same, same.length + 1);
      grown[grown.length - 1] = name;
      byLength[name.length()] = grown;
    }
  }

  static boolean isRawText(String lowerName) {
    return RAW_TEXT.contains(lowerName);
  }

  /** The name spelled by {@code b[from, from + length)}, ignoring ASCII case, or null. */
  String find(byte[] b, int from, int length) {
    if (length <= 0 || length >= byLength.length || byLength[length] == null) {
      return null;
    }
    for (String name : byLength[length]) {
      if (matches(b, from, name)) {
        return name;
      }
    }
    return null;
  }

  private static boolean matches(byte[] b, int from, String name) {
    for (int k = 0; k < name.length(); k++) {
      if ((b[from + k] | 0x20) != name.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}
