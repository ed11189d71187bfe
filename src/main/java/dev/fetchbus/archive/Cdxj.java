package dev.fetchbus.archive;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * CDXJ lines in the form warcio.js {@code cdx-index} writes them (warcio.js 2.4):
 * {@code <surt> <14-digit timestamp>
 * {"url":…,"mime":…,"status":"…","digest":…,"length":"…","offset":"…","filename":…}}.
 * Field by field, as warcio derives them from the record:
 * <ul>
 *   <li>url: WARC-Target-URI;
 *   <li>mime: {@code warc/revisit} for a revisit, else the HTTP Content-Type up to its first ';',
 *       trimmed (several Content-Type headers are joined with ", " first); absent when there is none;
 *   <li>status: the HTTP status, as a string;
 *   <li>digest: WARC-Payload-Digest without its {@code sha1:} prefix; absent when the record has
 *       none (a 304 revisit);
 *   <li>length, offset: of the record's gzip member in the file, as strings;
 *   <li>filename: the WARC file's name.
 * </ul>
 * Request and warcinfo records get no line.
 */
final class Cdxj {
  /** CDXJ files are sorted bytewise (as {@code LC_ALL=C sort}); code point order is UTF-8 byte order. */
  static final Comparator<String> ORDER = Cdxj::compareCodePoints;

  private Cdxj() {}

  /** What one indexed record contributes to its line. */
  record Entry(String targetUri, Instant date, String mime, int status, String payloadDigest,
      long length, long offset, String filename) {}

  static String line(Entry e) {
    StringBuilder json = new StringBuilder("{");
    field(json, "url", e.targetUri());
    field(json, "mime", e.mime());
    field(json, "status", Integer.toString(e.status()));
    field(json, "digest", digestValue(e.payloadDigest()));
    field(json, "length", Long.toString(e.length()));
    field(json, "offset", Long.toString(e.offset()));
    field(json, "filename", e.filename());
    json.append('}');
    return Surt.key(e.targetUri()) + " " + timestamp(e.date()) + " " + json;
  }

  /** warcio cuts the WARC-Date as written ({@link Instant#toString()}, as jwarc writes it) to 14 digits. */
  static String timestamp(Instant date) {
    String digits = date.toString().replaceAll("[-:T]", "");
    return digits.substring(0, Math.min(14, digits.length()));
  }

  /** The mime field of a response: the HTTP Content-Type as warcio reads it, or null. */
  static String mime(List<Map.Entry<String, String>> httpHeaders) {
    List<String> values = new ArrayList<>();
    for (String value : HttpBlocks.values(httpHeaders, "content-type")) {
      values.add(value.strip()); // a Fetch API Headers object trims values and joins repeats with ", "
    }
    String joined = String.join(", ", values);
    return joined.isEmpty() ? null : joined.split(";", 2)[0].strip();
  }

  private static String digestValue(String prefixed) {
    if (prefixed == null) {
      return null;
    }
    String[] parts = prefixed.split(":", 3);
    return parts.length > 1 ? parts[1] : null;
  }

  private static void field(StringBuilder json, String name, String value) {
    if (value == null) {
      return; // warcio leaves out a field it has no value for
    }
    if (json.length() > 1) {
      json.append(',');
    }
    json.append('"').append(name).append("\":");
    jsonString(json, value);
  }

  /** Escapes as JavaScript's JSON.stringify does, so lines agree byte for byte. */
  static void jsonString(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || isLoneSurrogate(value, i)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static boolean isLoneSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    }
    return Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
  }

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
