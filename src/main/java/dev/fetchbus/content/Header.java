package dev.fetchbus.content;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One HTTP header line as it was sent or received. Headers are kept as an ordered list of pairs, not
 * a map: order and repeated names (Set-Cookie, Link) are part of what an archive must reproduce.
 */
public record Header(String name, String value) {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  public static List<Header> of(MultiMap headers) {
    List<Header> list = new ArrayList<>(headers.size());
    for (Map.Entry<String, String> entry : headers) {
      list.add(new Header(entry.getKey(), entry.getValue()));
    }
    return list;
  }

  /**
   * The JSON the database keeps: {@code [["Name", "value"], ...]}. Written by hand rather than
   * through JsonArray and Jackson: two lists of a dozen short pairs a page, and building them as
   * JSON objects first was 8 % of the CPU pool's time in a crawl. Escapes as Jackson does (quote,
   * backslash, control characters); {@code HeaderTest} holds it to Jackson's output.
   */
  public static String toJson(List<Header> headers) {
    if (headers == null) {
      return null;
    }
    StringBuilder json = new StringBuilder(32 * headers.size() + 2).append('[');
    for (int i = 0; i < headers.size(); i++) {
      Header header = headers.get(i);
      json.append(i == 0 ? "[" : ",[");
      appendString(json, header.name()).append(',');
      appendString(json, header.value()).append(']');
    }
    return json.append(']').toString();
  }

  /** A JSON string: runs of plain characters are copied whole, the few that need it escaped. */
  private static StringBuilder appendString(StringBuilder json, String text) {
    if (text == null) {
      return json.append("null");
    }
    json.append('"');
    int plainFrom = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      json.append(text, plainFrom, i);
      plainFrom = i + 1;
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        case '\b' -> json.append("\\b");
        case '\f' -> json.append("\\f");
        default -> json.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return json.append(text, plainFrom, text.length()).append('"');
  }

  public static List<Header> fromJson(Object stored) {
    if (stored == null) {
      return List.of();
    }
    JsonArray json = stored instanceof JsonArray array ? array : new JsonArray(stored.toString());
    List<Header> headers = new ArrayList<>(json.size());
    for (int i = 0; i < json.size(); i++) {
      JsonArray pair = json.getJsonArray(i);
      headers.add(new Header(pair.getString(0), pair.getString(1)));
    }
    return headers;
  }
}
