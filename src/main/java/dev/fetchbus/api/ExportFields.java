package dev.fetchbus.api;

import dev.fetchbus.content.BodyCodec;
import dev.fetchbus.extract.PageExtractor;
import dev.fetchbus.extract.PageText;
import dev.fetchbus.store.ExportColumns;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The optional fields an export adds on request ({@code ?fields=html,text,markdown,outlinks,headers}).
 * Those made from the stored body are built on worker threads: decompression and, for text and
 * markdown, a DOM.
 */
enum ExportFields {
  HTML, TEXT, MARKDOWN, OUTLINKS, HEADERS;

  static Set<ExportFields> parse(String raw) {
    Set<ExportFields> fields = EnumSet.noneOf(ExportFields.class);
    if (raw == null || raw.isBlank()) {
      return fields;
    }
    for (String name : raw.split(",")) {
      try {
        fields.add(valueOf(name.strip().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw ApiError.badRequest("Unknown field '" + name.strip()
            + "'; fields are html, text, markdown, outlinks, headers");
      }
    }
    return fields;
  }

  /** Which columns to read: the body for html, text and markdown, and for links a list job did not keep. */
  static ExportColumns columns(Set<ExportFields> fields) {
    boolean body = fields.contains(HTML) || fields.contains(TEXT) || fields.contains(MARKDOWN)
        || fields.contains(OUTLINKS);
    return new ExportColumns(fields.contains(OUTLINKS), fields.contains(HEADERS), body);
  }

  static boolean needsWorker(Set<ExportFields> fields) {
    return columns(fields).body();
  }

  /** The record's JSON with the asked-for fields. CPU work when the body is read: call it on a worker. */
  static JsonObject render(Row row, Set<ExportFields> fields) {
    JsonObject json = RecordJson.of(row);
    if (fields.contains(HEADERS)) {
      RecordJson.headers(json, row);
    }
    if (fields.contains(OUTLINKS)) {
      RecordJson.outlinks(json, row);
    }
    byte[] body = needsWorker(fields) ? body(row) : null;
    if (body != null) {
      addBodyFields(json, row, fields, body);
    } else {
      fields.stream().filter(f -> f == HTML || f == TEXT || f == MARKDOWN)
          .forEach(f -> json.putNull(f.name().toLowerCase(Locale.ROOT)));
    }
    return json;
  }

  private static void addBodyFields(JsonObject json, Row row, Set<ExportFields> fields, byte[] body) {
    String type = row.getString("content_type");
    String url = row.getString("final_url");
    if (fields.contains(OUTLINKS) && json.getValue("outlinks") == null && PageExtractor.isHtml(type)) {
      json.put("outlinks", new JsonArray(PageExtractor.extract(body, type, url).outlinks()));
    }
    if (fields.contains(HTML) || fields.contains(TEXT) || fields.contains(MARKDOWN)) {
      PageText page = PageText.of(body, type, url);
      if (fields.contains(HTML)) {
        json.put("html", page == null ? null : page.html());
      }
      if (fields.contains(TEXT)) {
        json.put("text", page == null ? null : page.text());
      }
      if (fields.contains(MARKDOWN)) {
        json.put("markdown", page == null ? null : page.markdown());
      }
    }
  }

  /** The stored body's bytes, or null when none was kept. */
  static byte[] body(Row row) {
    Buffer data = row.getBuffer("body_data");
    return data == null ? null : BodyCodec.decompress(row.getString("body_codec"), data.getBytes(),
        row.getLong("body_size"));
  }
}
