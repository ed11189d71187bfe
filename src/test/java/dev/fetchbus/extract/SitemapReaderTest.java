package dev.fetchbus.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The sitemap reader")
class SitemapReaderTest {
  private static final String URLSET = """
      <?xml version="1.0" encoding="UTF-8"?>
      <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc>http://example.com/</loc><lastmod>2024-01-01</lastmod></url>
        <url><loc>http://example.com/a</loc></url>
        <url><loc>http://example.com/b?x=1&amp;y=2</loc><priority>0.5</priority></url>
      </urlset>""";

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(utf8(text));
    }
    return bytes.toByteArray();
  }

  @Test
  @DisplayName("reads a urlset's page URLs, in order, and no child sitemaps")
  void urlset() throws IOException {
    SitemapReader.Entries entries =
        SitemapReader.read(utf8(URLSET), "application/xml", "http://example.com/sitemap.xml");

    assertThat(entries.pages()).containsExactly("http://example.com/", "http://example.com/a",
        "http://example.com/b?x=1&y=2");
    assertThat(entries.sitemaps()).isEmpty();
  }

  @Test
  @DisplayName("reads XML when the server sends no content type")
  void urlsetWithoutContentType() throws IOException {
    assertThat(SitemapReader.read(utf8(URLSET), null, "http://example.com/sitemap.xml").pages()).hasSize(3);
  }

  @Test
  @DisplayName("reads a sitemap index's child sitemaps, and no pages")
  void sitemapIndex() throws IOException {
    String index = """
        <?xml version="1.0" encoding="UTF-8"?>
        <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
          <sitemap><loc>http://example.com/sitemap-1.xml.gz</loc></sitemap>
          <sitemap><loc>http://example.com/sitemap-2.xml</loc><lastmod>2024-01-01</lastmod></sitemap>
        </sitemapindex>""";

    SitemapReader.Entries entries = SitemapReader.read(utf8(index), "text/xml", "http://example.com/sitemap.xml");

    assertThat(entries.sitemaps()).containsExactlyInAnyOrder("http://example.com/sitemap-1.xml.gz",
        "http://example.com/sitemap-2.xml");
    assertThat(entries.pages()).isEmpty();
  }

  @Test
  @DisplayName("reads a gzip'd urlset served as application/gzip")
  void gzipContentType() throws IOException {
    SitemapReader.Entries entries =
        SitemapReader.read(gzip(URLSET), "application/gzip", "http://example.com/sitemap-1");

    assertThat(entries.pages()).containsExactly("http://example.com/", "http://example.com/a",
        "http://example.com/b?x=1&y=2");
  }

  @Test
  @DisplayName("reads a gzip'd .xml.gz urlset whatever type the server sends: none, a generic one, or XML's")
  void gzipByUrl() throws IOException {
    for (String type : new String[] {"application/octet-stream", "application/x-gzip", null, "text/xml",
        "application/xml"}) {
      SitemapReader.Entries entries = SitemapReader.read(gzip(URLSET), type, "http://example.com/sitemap-1.xml.gz");
      assertThat(entries.pages()).as("pages with content type %s", type).hasSize(3);
    }
  }

  @Test
  @DisplayName("reads a plain-text sitemap, one URL a line")
  void plainText() throws IOException {
    String text = "http://example.com/one\nhttp://example.com/two\r\n\nhttp://example.com/three\n";

    SitemapReader.Entries entries = SitemapReader.read(utf8(text), "text/plain", "http://example.com/sitemap.txt");

    assertThat(entries.pages()).containsExactly("http://example.com/one", "http://example.com/two",
        "http://example.com/three");
    assertThat(entries.sitemaps()).isEmpty();
  }

  @Test
  @DisplayName("a body that is not a sitemap is an IOException")
  void notASitemap() {
    byte[] html = utf8("<html><head><title>Home</title></head><body><a href=\"/a\">a</a></body></html>");
    assertThatThrownBy(() -> SitemapReader.read(html, "text/html", "http://example.com/sitemap.xml"))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> SitemapReader.read(utf8("{\"urls\": []}"), "application/json",
        "http://example.com/sitemap.xml")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> SitemapReader.read(new byte[] {0x50, 0x4b, 0x03, 0x04, 0, 1, 2}, "image/png",
        "http://example.com/sitemap.xml")).isInstanceOf(IOException.class);
  }

  @Test
  @DisplayName("a gzip body that does not unzip is an IOException")
  void brokenGzip() {
    assertThatThrownBy(() -> SitemapReader.read(utf8("not gzip at all"), "application/gzip",
        "http://example.com/sitemap.xml.gz")).isInstanceOf(IOException.class);
  }
}
