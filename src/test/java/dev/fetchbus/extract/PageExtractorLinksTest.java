package dev.fetchbus.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The page extractor's outlinks")
class PageExtractorLinksTest {
  private static final String BASE = "http://example.com/dir/page.html";

  private static PageExtractor.Extracted html(String html) {
    return PageExtractor.extract(html.getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8", BASE);
  }

  @Test
  @DisplayName("come from a[href], area[href], frame and iframe src, a meta refresh target and link rel=canonical")
  void everySource() {
    PageExtractor.Extracted page = html("""
        <html><head>
          <meta http-equiv="refresh" content="0; url=/next">
          <link rel="canonical" href="http://example.com/dir/canonical">
          <link rel="stylesheet" href="/style.css">
        </head><body>
          <a href="/anchor">a</a>
          <map><area href="/area" alt="x"></map>
          <iframe src="/iframe"></iframe>
          <script src="/script.js"></script>
          <img src="/image.png">
        </body></html>""");

    assertThat(page.outlinks()).containsExactlyInAnyOrder(
        "http://example.com/anchor",
        "http://example.com/area",
        "http://example.com/iframe",
        "http://example.com/next",
        "http://example.com/dir/canonical");
    assertThat(page.links()).isEqualTo(5);
    assertThat(page.canonical()).isEqualTo("http://example.com/dir/canonical");
  }

  @Test
  @DisplayName("include frames of a frameset")
  void frameset() {
    PageExtractor.Extracted page = html("""
        <html><frameset cols="50%,50%"><frame src="left.html"><frame src="/right.html"></frameset></html>""");

    assertThat(page.outlinks()).containsExactlyInAnyOrder("http://example.com/dir/left.html",
        "http://example.com/right.html");
  }

  @Test
  @DisplayName("take the meta refresh target in its common spellings, and ignore a refresh without a URL")
  void metaRefreshSpellings() {
    assertThat(html("<meta http-equiv=\"Refresh\" content=\"5;URL='later.html'\">").outlinks())
        .containsExactly("http://example.com/dir/later.html");
    assertThat(html("<meta http-equiv=\"refresh\" content=\"0, url=http://other.example/landing\">").outlinks())
        .containsExactly("http://other.example/landing");
    assertThat(html("<meta http-equiv=\"refresh\" content=\"30\">").outlinks()).isEmpty();
  }

  @Test
  @DisplayName("a page without a canonical link has a null canonical")
  void noCanonical() {
    assertThat(html("<a href=\"/x\">x</a>").canonical()).isNull();
  }

  @Test
  @DisplayName("resolve relative links, the refresh target and the canonical against <base href>")
  void baseHref() {
    PageExtractor.Extracted page = html("""
        <html><head>
          <base href="http://cdn.example.net/root/">
          <meta http-equiv="refresh" content="0; url=refreshed">
          <link rel="canonical" href="canon">
        </head><body>
          <a href="relative">r</a>
          <a href="/absolute-path">p</a>
          <iframe src="framed"></iframe>
          <a href="https://other.example/x">x</a>
        </body></html>""");

    assertThat(page.outlinks()).containsExactlyInAnyOrder(
        "http://cdn.example.net/root/relative",
        "http://cdn.example.net/absolute-path",
        "http://cdn.example.net/root/framed",
        "http://cdn.example.net/root/refreshed",
        "http://cdn.example.net/root/canon",
        "https://other.example/x");
    assertThat(page.canonical()).isEqualTo("http://cdn.example.net/root/canon");
  }

  @Test
  @DisplayName("skip rel=nofollow anchors and same-document #fragment links")
  void nofollowAndFragments() {
    PageExtractor.Extracted page = html("""
        <a href="/kept">k</a>
        <a href="/nofollowed" rel="nofollow">n</a>
        <a href="/nofollowed-too" rel="noopener NOFOLLOW">n</a>
        <area href="/area-nofollowed" rel="nofollow">
        <a href="#top">t</a>
        <a href=" #spaced">t</a>
        <a href="#">t</a>""");

    assertThat(page.outlinks()).containsExactly("http://example.com/kept");
  }

  @Test
  @DisplayName("strip fragments and list each URL once, whatever its spelling")
  void fragmentsStrippedAndDuplicatesOnce() {
    PageExtractor.Extracted page = html("""
        <a href="/page">1</a>
        <a href="/page#section">2</a>
        <a href="http://EXAMPLE.com:80/./page#other">3</a>
        <a href="../page">4</a>
        <iframe src="/page"></iframe>
        <a href="/second#x">5</a>
        <link rel="canonical" href="/page">""");

    assertThat(page.outlinks()).containsExactly("http://example.com/page", "http://example.com/second");
    assertThat(page.links()).isEqualTo(2);
    assertThat(page.outlinks()).noneMatch(url -> url.contains("#"));
  }

  @Test
  @DisplayName("drop links whose scheme is not http or https")
  void nonWebSchemes() {
    PageExtractor.Extracted page = html("""
        <a href="mailto:someone@example.com">m</a>
        <a href="javascript:void(0)">j</a>
        <a href="tel:+123456">t</a>
        <a href="ftp://example.com/file">f</a>
        <a href="data:text/html,hi">d</a>
        <iframe src="about:blank"></iframe>
        <meta http-equiv="refresh" content="0; url=javascript:alert(1)">
        <a href="https://example.com/secure">s</a>""");

    assertThat(page.outlinks()).containsExactly("https://example.com/secure");
  }

  @Test
  @DisplayName("a Latin-1 page is decoded by its header charset: title and non-ASCII links both")
  void latin1FromHeader() {
    byte[] body = "<html><head><title>Café</title></head><body><a href=\"/menü\">m</a></body></html>"
        .getBytes(StandardCharsets.ISO_8859_1);

    PageExtractor.Extracted page = PageExtractor.extract(body, "text/html; charset=ISO-8859-1", BASE);

    assertThat(page.title()).isEqualTo("Café");
    assertThat(page.outlinks()).containsExactly("http://example.com/men%C3%BC");
  }

  @Test
  @DisplayName("a Latin-1 page with only <meta charset> is decoded by the meta tag")
  void latin1FromMeta() {
    byte[] body = ("<html><head><meta charset=\"iso-8859-1\"><title>Café</title></head>"
        + "<body><a href=\"/menü\">m</a></body></html>").getBytes(StandardCharsets.ISO_8859_1);

    PageExtractor.Extracted page = PageExtractor.extract(body, "text/html", BASE);

    assertThat(page.title()).isEqualTo("Café");
    assertThat(page.outlinks()).containsExactly("http://example.com/men%C3%BC");
  }

  @Test
  @DisplayName("a body that is not HTML has no title, no canonical and no links, whatever it contains")
  void nonHtmlContentTypes() {
    byte[] body = "<html><head><title>T</title><link rel=canonical href=/c></head><a href=\"/x\">x</a></html>"
        .getBytes(StandardCharsets.UTF_8);
    for (String type : new String[] {"application/pdf", "text/plain; charset=utf-8", "application/xml", "image/png"}) {
      PageExtractor.Extracted page = PageExtractor.extract(body, type, BASE);
      assertThat(page.title()).as("title for %s", type).isNull();
      assertThat(page.canonical()).as("canonical for %s", type).isNull();
      assertThat(page.outlinks()).as("outlinks for %s", type).isEmpty();
      assertThat(page.links()).as("link count for %s", type).isNull();
    }
    assertThat(PageExtractor.extract(body, "TEXT/HTML; charset=utf-8", BASE).outlinks())
        .as("the type is case-insensitive").containsExactlyInAnyOrder("http://example.com/x", "http://example.com/c");
  }
}
