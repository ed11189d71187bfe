package dev.fetchbus.extract;

import com.vladsch.flexmark.html2md.converter.FlexmarkHtmlConverter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeVisitor;

/**
 * A stored page as people read it: the HTML as text in its own charset, its readable text, and
 * Markdown (flexmark's converter). Builds a DOM, so it runs on worker threads and only when an
 * export asks for one of these; crawling never needs it.
 */
public final class PageText {
  private static final Set<String> BLOCKS = Set.of("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
      "pre", "blockquote", "section", "article", "header", "footer", "table", "ul", "ol", "dl", "dt", "dd", "hr",
      "title", "nav", "aside", "main", "figure", "figcaption", "form");
  private static final FlexmarkHtmlConverter MARKDOWN = FlexmarkHtmlConverter.builder().build();

  private final Document doc;
  private final String html;

  private PageText(Document doc, String html) {
    this.doc = doc;
    this.html = html;
  }

  /** Reads a body; null when it is neither HTML nor text. */
  public static PageText of(byte[] body, String contentType, String url) {
    if (PageExtractor.isHtml(contentType)) {
      Document doc = parse(body, contentType, url);
      return new PageText(doc, new String(body, doc.charset()));
    }
    if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("text/")) {
      return new PageText(null, new String(body, charset(contentType)));
    }
    return null;
  }

  /** The body as text, decoded with the charset the page declares (header, then meta tag). */
  public String html() {
    return html;
  }

  /** Readable text: one line per block element, white space inside a block folded. */
  public String text() {
    if (doc == null) {
      return html;
    }
    StringBuilder out = new StringBuilder(html.length() / 4);
    doc.body().traverse(new TextCollector(out));
    return out.toString().replaceAll("[ \\t\\x0B\\f\\r]+", " ").replaceAll(" ?\\n ?", "\n")
        .replaceAll("\\n{3,}", "\n\n").strip();
  }

  public String markdown() {
    return doc == null ? html : MARKDOWN.convert(doc.outerHtml()).strip();
  }

  private static Document parse(byte[] body, String contentType, String url) {
    try {
      return Jsoup.parse(new ByteArrayInputStream(body), PageExtractor.charsetOf(contentType), url);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Charset charset(String contentType) {
    String name = PageExtractor.charsetOf(contentType);
    return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
  }

  /** Text nodes in document order, with a line break around each block (scripts and styles left out). */
  private record TextCollector(StringBuilder out) implements NodeVisitor {
    @Override
    public void head(Node node, int depth) {
      if (node instanceof TextNode text && !inScript(text)) {
        out.append(text.text());
      } else if (node instanceof Element e && BLOCKS.contains(e.normalName())) {
        out.append('\n');
      }
    }

    @Override
    public void tail(Node node, int depth) {
      if (node instanceof Element e && BLOCKS.contains(e.normalName())) {
        out.append('\n');
      }
    }

    private static boolean inScript(TextNode text) {
      Node parent = text.parent();
      return parent instanceof Element e && (e.normalName().equals("script") || e.normalName().equals("style"));
    }
  }
}
