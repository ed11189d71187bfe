package dev.fetchbus.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming scanner finds the same links and title as a full HTML parser (jsoup's DOM, the
 * extraction fetchbus used before) on markup that trips naive scanners.
 */
@DisplayName("The streaming HTML scanner agrees with jsoup's DOM")
class HtmlScannerTest {
  private static final String URL = "http://example.com/dir/page.html";

  @ParameterizedTest
  @ValueSource(strings = {
      "<a href=/plain>x</a><A HREF='/upper'>y</A><a href=unquoted>z</a><a\nhref\n=\n\"/spaced\">w</a>",
      "<!-- <a href=/commented>no</a> --><a href=/after-comment>yes</a>",
      "<script>var s = '<a href=/in-script>';</script><a href=/after-script>k</a>",
      "<style>a[href='/in-style'] {}</style><textarea><a href=/in-textarea></a></textarea><a href=/ok>ok</a>",
      "<a href=\"/q?a=1&amp;b=2&lt;\">entities</a><a href='/caf&eacute;'>named</a><a href=/n&#x41;m>num</a>",
      "<a href=/first>1</a><base href=\"http://other.example/base/\"><a href=second>2</a>",
      "<title>Real &amp; title</title><svg><title>svg title</title><a href=/svg-link>s</a></svg>",
      "<a href=\"  /padded  \">p</a><a href=\"/ta\tb\">t</a><a href=\"\">empty</a><a>no href</a>",
      "<a href=/a rel=\"nofollow\">n</a><a href=/b rel=noopener>k</a><area href=/c>",
      "<iframe src=/frame><a href=/inside-iframe></a></iframe><frame src=f2>",
      "<meta http-equiv=refresh content=\"3;url=/refreshed\"><link rel=\"canonical\" href=/canon>",
      "<frameset><frame src=f1><frame src=/f2></frameset>",
      "<a href=/x/../y/./z>dots</a><a href=//proto.example/rel>proto</a><a href=?query>q</a><a href=#frag>f</a>",
      "<!DOCTYPE html><?xml version='1.0'?><![CDATA[ <a href=/cdata> ]]><a href=/after-cdata>c</a>",
      "<a href=/unterminated attr=\"never closed>x</a><a href=/next>n</a>",
      "<p>1 < 2 and 3 > 2 <a href=/after-lt>a</a> <b/> <br/><a/href=/slash>s</a>",
      "<title>Spaced\n\n   title\t</title><a href=\"http://EXAMPLE.com:80/Mixed%7ecase/\">m</a>",
      "<body><noscript><a href=/noscript-link>n</a></noscript><object data=/obj><a href='/after-obj'>o</a></object>"})
  void agreesWithTheDom(String html) {
    byte[] body = ("<html>" + html + "</html>").getBytes(StandardCharsets.UTF_8);
    PageExtractor.Extracted scanned = PageExtractor.extract(body, "text/html; charset=utf-8", URL);
    assertThat(new HashSet<>(scanned.outlinks())).as(html)
        .isEqualTo(JsoupOracle.outlinks(body, "text/html; charset=utf-8", URL));
    assertThat(scanned.title()).as("title of %s", html)
        .isEqualTo(JsoupOracle.title(body, "text/html; charset=utf-8", URL));
  }

  @Test
  @DisplayName("a title inside SVG is not the page's; the first HTML title is, wherever it stands")
  void svgTitle() {
    byte[] body = "<html><body><svg><title>icon</title></svg><title>Page</title></body></html>"
        .getBytes(StandardCharsets.UTF_8);
    assertThat(PageExtractor.extract(body, "text/html", URL).title()).isEqualTo("Page");
  }

  @ParameterizedTest
  @ValueSource(strings = {"windows-1252", "ISO-8859-15", "UTF-16LE", "Shift_JIS"})
  void readsOtherCharsets(String charset) {
    String html = "<html><head><title>Größe ü</title></head><body><a href=\"/größe\">g</a></body></html>";
    byte[] body = html.getBytes(Charset.forName(charset));
    String type = "text/html; charset=" + charset;
    PageExtractor.Extracted scanned = PageExtractor.extract(body, type, URL);
    assertThat(scanned.outlinks()).isEqualTo(List.copyOf(JsoupOracle.outlinks(body, type, URL)));
    assertThat(scanned.title()).isEqualTo(JsoupOracle.title(body, type, URL));
  }
}
