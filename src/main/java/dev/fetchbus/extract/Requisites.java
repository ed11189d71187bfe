package dev.fetchbus.extract;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/**
 * A page's requisites: the resources a browser loads to show it (images and their srcset
 * candidates, scripts, style sheets and icons, audio and video sources and posters, embeds), as
 * {@code wget -p} and archive crawlers collect them. Resolved against the page (and its
 * {@code <base href>}), normalised, each once.
 */
final class Requisites {
  private static final Evaluator SRC = QueryParser.parse(
      "img[src], script[src], source[src], video[src], audio[src], track[src], embed[src], input[type=image][src]");
  private static final Evaluator SRCSET = QueryParser.parse("img[srcset], source[srcset]");
  private static final Evaluator POSTER = QueryParser.parse("video[poster]");
  private static final Evaluator OBJECT = QueryParser.parse("object[data]");
  private static final Evaluator LINKED = QueryParser.parse(
      "link[rel~=(?i)^(stylesheet|icon|shortcut icon|apple-touch-icon|preload|modulepreload)$][href]");
  private static final int MAX = 1000;

  private Requisites() {}

  static List<String> of(Document doc) {
    Set<String> found = new LinkedHashSet<>();
    doc.select(SRC).forEach(e -> add(found, e.absUrl("src")));
    doc.select(POSTER).forEach(e -> add(found, e.absUrl("poster")));
    doc.select(OBJECT).forEach(e -> add(found, e.absUrl("data")));
    doc.select(LINKED).forEach(e -> add(found, e.absUrl("href")));
    for (Element e : doc.select(SRCSET)) {
      for (String candidate : e.attr("srcset").split(",")) {
        String url = candidate.strip().split("\\s+", 2)[0];
        if (!url.isEmpty()) {
          Element holder = doc.createElement("img").attr("src", url);
          holder.setBaseUri(e.baseUri());
          add(found, holder.absUrl("src"));
        }
      }
    }
    return List.copyOf(found);
  }

  private static void add(Set<String> found, String absolute) {
    if (found.size() < MAX && !absolute.isEmpty()
        && UrlNormalizer.normalize(absolute) instanceof UrlNormalizer.Accepted ok) {
      found.add(ok.url());
    }
  }
}
