package dev.fetchbus.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The page extractor")
class PageExtractorTest {
  private static final String BASE = "http://example.com/dir/page.html";
  private static final Charset LATIN_1 = StandardCharsets.ISO_8859_1;

  private static PageExtractor.Extracted html(String html, String contentType) {
    return PageExtractor.extract(html.getBytes(StandardCharsets.UTF_8), contentType, BASE);
  }

  @Test
  @DisplayName("reads the title, with its whitespace trimmed and collapsed")
  void title() {
    assertThat(html("<html><head><title>  Hello  World \n</title></head><body></body></html>", "text/html").title())
        .isEqualTo("Hello World");
    assertThat(html("<html><head><title>X</title></head></html>", "application/xhtml+xml; charset=utf-8").title())
        .isEqualTo("X");
  }

  @Test
  @DisplayName("a page without a title, or with a blank one, has a null title")
  void noTitle() {
    assertThat(html("<html><body><p>hi</p></body></html>", "text/html").title()).isNull();
    assertThat(html("<html><head><title>   </title></head></html>", "text/html").title()).isNull();
  }

  @Test
  @DisplayName("a very long title is cut at 1000 characters")
  void longTitle() {
    assertThat(html("<title>" + "t".repeat(5000) + "</title>", "text/html").title()).hasSize(1000);
  }

  @Test
  @DisplayName(
      "counts followable web links: relative and absolute, frames too; not nofollow, #fragments or other schemes")
  void links() {
    String body = """
        <html><body>
          <a href="/absolute-path">1</a>
          <a href="relative">2</a>
          <a href="https://other.example/x">3</a>
          <a href="http://example.com/page#section">4</a>
          <area href="/map-area">5</area>
          <iframe src="/frame"></iframe>
          <a href="/skipped" rel="nofollow">no</a>
          <a href="/skipped-too" rel="external NoFollow">no</a>
          <a href="#top">no</a>
          <a href="  #spaced">no</a>
          <a href="mailto:a@example.com">no</a>
          <a href="javascript:void(0)">no</a>
          <a href="ftp://example.com/f">no</a>
          <a name="anchor-without-href">no</a>
        </body></html>""";
    assertThat(html(body, "text/html; charset=utf-8").links()).isEqualTo(6);
  }

  @Test
  @DisplayName("a page without links counts zero")
  void noLinks() {
    assertThat(html("<title>t</title><p>text</p>", "text/html").links()).isZero();
  }

  @Test
  @DisplayName("the charset in the Content-Type header decodes the body")
  void charsetFromHeader() {
    byte[] latin = "<html><head><title>café</title></head></html>".getBytes(LATIN_1);
    assertThat(PageExtractor.extract(latin, "text/html; charset=ISO-8859-1", BASE).title()).isEqualTo("café");
    assertThat(PageExtractor.extract(latin, "text/html; charset=\"iso-8859-1\"", BASE).title()).isEqualTo("café");
  }

  @Test
  @DisplayName("without a charset in the header, the meta tag decides")
  void charsetFromMeta() {
    byte[] latin = "<html><head><meta charset=\"ISO-8859-1\"><title>café</title></head></html>".getBytes(LATIN_1);
    assertThat(PageExtractor.extract(latin, "text/html", BASE).title()).isEqualTo("café");
    byte[] httpEquiv = ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">"
        + "<title>naïve</title></head></html>").getBytes(LATIN_1);
    assertThat(PageExtractor.extract(httpEquiv, "text/html", BASE).title()).isEqualTo("naïve");
  }

  @Test
  @DisplayName("the first meta tag naming a charset Java knows decides; later ones do not")
  void firstKnownMetaCharset() {
    byte[] latin = ("<html><head><meta charset=\"no-such-charset\"><meta charset=\"ISO-8859-1\">"
        + "<meta charset=\"UTF-8\"><title>café</title></head></html>").getBytes(LATIN_1);
    assertThat(PageExtractor.extract(latin, "text/html", BASE).title()).isEqualTo("café");
  }

  @Test
  @DisplayName("the header's charset wins over a contradicting meta tag")
  void headerBeatsMeta() {
    byte[] utf8 = "<html><head><meta charset=\"ISO-8859-1\"><title>café</title></head></html>"
        .getBytes(StandardCharsets.UTF_8);
    assertThat(PageExtractor.extract(utf8, "text/html; charset=utf-8", BASE).title()).isEqualTo("café");
  }

  @Test
  @DisplayName("an unknown charset in the header falls back to the meta tag")
  void unknownHeaderCharset() {
    byte[] latin = "<html><head><meta charset=\"ISO-8859-1\"><title>café</title></head></html>".getBytes(LATIN_1);
    assertThat(PageExtractor.extract(latin, "text/html; charset=no-such-charset", BASE).title()).isEqualTo("café");
  }

  @Test
  @DisplayName("a non-HTML body has a hash but no title or links")
  void nonHtml() {
    byte[] body = "<title>not parsed</title><a href=\"/x\">x</a>".getBytes(StandardCharsets.UTF_8);
    for (String type : new String[] {"text/plain", "application/json", null}) {
      PageExtractor.Extracted extracted = PageExtractor.extract(body, type, BASE);
      assertThat(extracted.title()).as("title for %s", type).isNull();
      assertThat(extracted.links()).as("links for %s", type).isNull();
      assertThat(extracted.contentHash()).isEqualTo(ContentHash.sha256(body));
    }
  }

  @Test
  @DisplayName("the content hash is the SHA-256 of the raw bytes")
  void contentHash() {
    PageExtractor.Extracted empty = PageExtractor.extract(new byte[0], "text/html", BASE);
    assertThat(empty.contentHash()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(html("<title>a</title>", "text/html").contentHash())
        .isNotEqualTo(html("<title>b</title>", "text/html").contentHash())
        .hasSize(64);
  }
}
