package dev.fetchbus.api;

/**
 * RFC 4180 quoting: a cell with a comma, quote, CR or LF is quoted and its quotes doubled. Text
 * cells (titles, URLs, content types: what fetched sites control) that a spreadsheet would read as
 * a formula, those starting with {@code = + - @}, a tab or a CR, are prefixed with a single quote
 * as OWASP advises against CSV injection. Numbers and booleans are written as they are.
 */
final class Csv {
  private Csv() {}

  static String escape(Object value) {
    if (value == null) {
      return "";
    }
    String text = value instanceof String s && isFormula(s) ? "'" + s : value.toString();
    boolean quote = false;
    for (int i = 0; i < text.length() && !quote; i++) {
      char c = text.charAt(i);
      quote = c == ',' || c == '"' || c == '\n' || c == '\r';
    }
    return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
  }

  private static boolean isFormula(String text) {
    if (text.isEmpty()) {
      return false;
    }
    char first = text.charAt(0);
    return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r';
  }
}
