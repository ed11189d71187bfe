package dev.fetchbus.extract;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * The extraction fetchbus did before the streaming scanner, on jsoup's full DOM: kept as the
 * reference the scanner's links are compared with (tests and the extraction benchmark).
 */
final class JsoupOracle {
  private static final Pattern REFRESH_URL = Pattern.compile("(?i)^\\s*\\d*\\s*[;,]\\s*url\\s*=\\s*['\"]?([^'\"]+)");

  private JsoupOracle() {}

  static Document parse(byte[] body, String contentType, String url) {
    try {
      return Jsoup.parse(new ByteArrayInputStream(body), PageExtractor.charsetOf(contentType), url);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The normalised outlinks jsoup's DOM gives: anchors, areas, frames, meta refresh, canonical. */
  static Set<String> outlinks(byte[] body, String contentType, String url) {
    Document doc = parse(body, contentType, url);
    Set<String> links = new LinkedHashSet<>();
    for (Element a : doc.select("a[href], area[href]")) {
      if (!a.attr("href").strip().startsWith("#") && !a.attr("rel").toLowerCase(Locale.ROOT).contains("nofollow")) {
        add(links, a.absUrl("href"));
      }
    }
    doc.select("frame[src], iframe[src]").forEach(f -> add(links, f.absUrl("src")));
    for (Element meta : doc.select("meta[http-equiv][content]")) {
      Matcher m = REFRESH_URL.matcher(meta.attr("content"));
      if (meta.attr("http-equiv").equalsIgnoreCase("refresh") && m.find()) {
        Element holder = doc.createElement("a").attr("href", m.group(1).strip());
        holder.setBaseUri(doc.baseUri());
        add(links, holder.absUrl("href"));
      }
    }
    doc.select("link[rel=canonical][href]").stream().findFirst().ifPresent(l -> add(links, l.absUrl("href")));
    return links;
  }

  static String title(byte[] body, String contentType, String url) {
    String title = parse(body, contentType, url).title().strip();
    return title.isEmpty() ? null : title;
  }

  private static void add(Set<String> links, String absolute) {
    if (!absolute.isEmpty() && UrlNormalizer.normalize(absolute) instanceof UrlNormalizer.Accepted ok) {
      links.add(ok.url());
    }
  }
}
