package dev.fetchbus.extract;

import dev.fetchbus.content.PageFacts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/**
 * Reads what fetchbus records about a page: its content hash always, and for HTML its title,
 * canonical URL and followable links. CPU work: call it on a worker thread, never an event loop.
 *
 * <p>Links come from {@code a[href]}, {@code area[href]}, frames, iframes, a {@code meta refresh}
 * target and {@code link rel=canonical}, resolved against {@code <base href>} when there is one,
 * normalised, without fragments, without {@code rel=nofollow} anchors, each once.
 */
public final class PageExtractor {
  private static final Pattern CHARSET = Pattern.compile("(?i)charset\\s*=\\s*[\"']?([^\\s;\"']+)");
  private static final Pattern REFRESH_URL = Pattern.compile("(?i)^\\s*\\d*\\s*[;,]\\s*url\\s*=\\s*['\"]?([^'\"]+)");
  private static final int MAX_TITLE = 1000;
  // selectors are parsed once: parsing them per page was a fifth of the node's CPU in a profile
  private static final Evaluator ANCHORS = QueryParser.parse("a[href], area[href]");
  private static final Evaluator FRAMES = QueryParser.parse("frame[src], iframe[src]");
  private static final Evaluator META_REFRESH = QueryParser.parse("meta[http-equiv][content]");
  private static final Evaluator CANONICAL = QueryParser.parse("link[rel=canonical][href]");
  private static final Evaluator DESCRIPTION = QueryParser.parse("meta[name=description][content]");
  private static final Evaluator CONTENT_LANGUAGE = QueryParser.parse("meta[http-equiv~=(?i)^content-language$][content]");
  private static final int MAX_DESCRIPTION = 2000;

  /** What extraction found: the content hash, and for HTML the page's facts ({@link PageFacts#NONE} otherwise). */
  public record Extracted(String contentHash, PageFacts facts) {
    public String title() {
      return facts.title();
    }

    public Integer links() {
      return facts.links();
    }

    public String canonical() {
      return facts.canonical();
    }

    public List<String> outlinks() {
      return facts.outlinks();
    }
  }

  private PageExtractor() {}

  public static Extracted extract(byte[] body, String contentType, String baseUrl) {
    String hash = ContentHash.sha256(body);
    if (!isHtml(contentType)) {
      return new Extracted(hash, PageFacts.NONE);
    }
    Document doc = parse(body, contentType == null ? null : charsetOf(contentType), baseUrl);
    String canonical = normalized(doc.select(CANONICAL).stream().findFirst()
        .map(link -> link.absUrl("href")).orElse(""));
    List<String> outlinks = List.copyOf(outlinks(doc, canonical));
    String description = doc.select(DESCRIPTION).stream().findFirst().map(meta -> meta.attr("content")).orElse("");
    return new Extracted(hash, new PageFacts(capped(doc.title(), MAX_TITLE), capped(description, MAX_DESCRIPTION),
        canonical, capped(lang(doc), 64), outlinks.size(), outlinks, Requisites.of(doc)));
  }

  /** Only the content hash: for jobs that store records without parsing pages. */
  public static Extracted hashOnly(byte[] body) {
    return new Extracted(ContentHash.sha256(body), PageFacts.NONE);
  }

  /** The page's language: {@code <html lang>}, else a {@code Content-Language} meta tag. */
  private static String lang(Document doc) {
    String lang = doc.child(0).attr("lang");
    if (lang.isBlank()) {
      lang = doc.select(CONTENT_LANGUAGE).stream().findFirst()
          .map(meta -> meta.attr("content")).orElse("");
    }
    return lang;
  }

  /** Stripped and cut to {@code max} characters; null when empty. */
  private static String capped(String text, int max) {
    String stripped = text.strip();
    if (stripped.length() > max) {
      stripped = stripped.substring(0, max);
    }
    return stripped.isEmpty() ? null : stripped;
  }

  public static boolean isHtml(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = contentType.toLowerCase(Locale.ROOT);
    return type.startsWith("text/html") || type.startsWith("application/xhtml+xml");
  }

  /** The charset named by a Content-Type header, if Java knows it; otherwise jsoup reads the meta tag. */
  static String charsetOf(String contentType) {
    Matcher m = CHARSET.matcher(contentType);
    if (!m.find()) {
      return null;
    }
    try {
      return Charset.forName(m.group(1)).name();
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      return null;
    }
  }

  private static Document parse(byte[] body, String charset, String baseUrl) {
    try {
      return Jsoup.parse(new ByteArrayInputStream(body), charset, baseUrl);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Set<String> outlinks(Document doc, String canonical) {
    Set<String> links = new LinkedHashSet<>();
    for (Element a : doc.select(ANCHORS)) {
      boolean sameDocument = a.attr("href").strip().startsWith("#");
      if (!sameDocument && !a.attr("rel").toLowerCase(Locale.ROOT).contains("nofollow")) {
        add(links, a.absUrl("href"));
      }
    }
    for (Element frame : doc.select(FRAMES)) {
      add(links, frame.absUrl("src"));
    }
    for (Element meta : doc.select(META_REFRESH)) {
      if (meta.attr("http-equiv").equalsIgnoreCase("refresh")) {
        Matcher m = REFRESH_URL.matcher(meta.attr("content"));
        if (m.find()) {
          add(links, resolve(doc, m.group(1).strip()));
        }
      }
    }
    add(links, canonical);
    return links;
  }

  /** Resolves a meta-refresh target the way jsoup resolves hrefs, honouring {@code <base href>}. */
  private static String resolve(Document doc, String target) {
    Element holder = doc.createElement("a").attr("href", target);
    holder.setBaseUri(doc.baseUri());
    return holder.absUrl("href");
  }

  private static void add(Set<String> links, String absolute) {
    String url = normalized(absolute);
    if (url != null) {
      links.add(url);
    }
  }

  private static String normalized(String absolute) {
    if (absolute == null || absolute.isEmpty()) {
      return null;
    }
    return UrlNormalizer.normalize(absolute) instanceof UrlNormalizer.Accepted ok ? ok.url() : null;
  }
}
