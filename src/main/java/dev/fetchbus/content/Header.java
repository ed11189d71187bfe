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

  public static List<Header> of(MultiMap headers) {
    List<Header> list = new ArrayList<>(headers.size());
    for (Map.Entry<String, String> entry : headers) {
      list.add(new Header(entry.getKey(), entry.getValue()));
    }
    return list;
  }

  /** The JSON the database keeps: {@code [["Name", "value"], ...]}. */
  public static String toJson(List<Header> headers) {
    if (headers == null) {
      return null;
    }
    JsonArray json = new JsonArray();
    headers.forEach(h -> json.add(new JsonArray().add(h.name()).add(h.value())));
    return json.encode();
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
