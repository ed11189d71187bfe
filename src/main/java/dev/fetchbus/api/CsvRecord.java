package dev.fetchbus.api;

import io.vertx.sqlclient.Row;

/** A stored record as one CSV line, in the columns of {@link ResultExport#CSV_HEADER}. */
final class CsvRecord {
  private CsvRecord() {}

  static String line(Row row) {
    StringBuilder line = new StringBuilder(256);
    Object[] cells = {row.getLong("url_id"), row.getString("url"), row.getString("final_url"), row.getInteger("status"),
        row.getString("content_type"), row.getLong("bytes"), row.getBoolean("truncated"), row.getString("title"),
        row.getString("content_hash"), row.getInteger("links"), RecordJson.instant(row.getOffsetDateTime("fetched_at")),
        row.getInteger("elapsed_ms"), row.getInteger("redirects"), row.getInteger("attempts"),
        row.getString("error_code"), row.getString("error_message"), row.getInteger("depth"),
        row.getString("discovered_from"), row.getString("kind"), row.getBoolean("not_modified"),
        row.getString("description"), row.getString("canonical"), row.getString("lang")};
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        line.append(',');
      }
      line.append(Csv.escape(cells[i]));
    }
    return line.append('\n').toString();
  }
}
