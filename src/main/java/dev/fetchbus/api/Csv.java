package dev.fetchbus.api;

/** RFC 4180 quoting: a cell with a comma, quote, CR or LF is quoted and its quotes doubled. */
final class Csv {
  private Csv() {}

  static String escape(Object value) {
    if (value == null) {
      return "";
    }
    String text = value.toString();
    boolean quote = false;
    for (int i = 0; i < text.length() && !quote; i++) {
      char c = text.charAt(i);
      quote = c == ',' || c == '"' || c == '\n' || c == '\r';
    }
    return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
  }
}
