package dev.fetchbus.store;

/**
 * Which optional columns an export reads beyond the record's own: the link list, the request and
 * response headers, and the stored body (joined from {@code bodies}). Each combination is its own
 * prepared statement; a plain export reads none of them.
 */
public record ExportColumns(boolean outlinks, boolean headers, boolean body) {
  public static final ExportColumns NONE = new ExportColumns(false, false, false);
  public static final ExportColumns ALL_BUT_BODY = new ExportColumns(true, true, false);

  /** The export statement with these columns; {@code limited} adds {@code limit $3} (a keyset page). */
  String sql(String template, boolean limited) {
    StringBuilder extra = new StringBuilder();
    if (outlinks) {
      extra.append(", p.outlinks");
    }
    if (headers) {
      extra.append(", p.request_headers, p.response_headers, p.reason");
    }
    if (body) {
      extra.append(", b.codec as body_codec, b.size as body_size, b.data as body_data");
    }
    String join = body ? "\n      left join bodies b on b.hash = p.body_hash" : "";
    return String.format(template, extra, join, limited ? "\n      limit $3" : "");
  }
}
