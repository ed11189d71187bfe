package dev.fetchbus.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Link resolution with its memo")
class LinkResolverTest {
  private static final List<String> BASES = List.of("http://h/a/b.html?x=1", "http://h/a/c.html", "http://h/a/",
      "http://h", "http://h/", "http://h/a/b.html;p", "https://h/a/b.html", "http://h:81/a/b.html",
      "http://u@h/a/b.html", "http://h/http:/x.html", "http://other.example/a/b.html");
  private static final List<String> REFERENCES = List.of("d.html", "../e.html", "/f", "//o/g", "http://o/h/",
      "?q=2", "", "#top", " x y ", "\td.html\n", "http:z", "d.html#frag", "./", "..", "/o/", "http://o/",
      "data:text/plain,hi", "mailto:x@h", "javascript:void(0)", "d.html?" + "a".repeat(600));

  @Test
  @DisplayName("answers for every base as resolving afresh does, whatever other bases filled the memo")
  void memoIsTransparent() {
    for (int round = 0; round < 2; round++) {
      for (String base : BASES) {
        LinkResolver resolver = LinkResolver.of(base, null);
        for (String reference : REFERENCES) {
          String fresh = resolver.resolveNow(KnownUrls.withoutFragment(reference));
          assertThat(resolver.resolve(reference)).as(base + " + '" + reference + "'").isEqualTo(fresh);
        }
      }
    }
  }

  @Test
  @DisplayName("pages of one directory share answers; the page itself and a query alone do not")
  void sharedWithinADirectory() throws Exception {
    assertThat(LinkResolver.of("http://h/a/b.html", null).resolve("../x.html")).isEqualTo("http://h/x.html");
    assertThat(LinkResolver.of("http://h/a/c.html", null).resolve("../x.html")).isEqualTo("http://h/x.html");
    assertThat(LinkResolver.of("http://h/a/b.html", null).resolve("#top")).isEqualTo("http://h/a/b.html");
    assertThat(LinkResolver.of("http://h/a/c.html", null).resolve("#top")).isEqualTo("http://h/a/c.html");
    assertThat(LinkResolver.of("http://h/a/b.html", null).resolve("?p=2")).isEqualTo("http://h/a/b.html?p=2");
    assertThat(LinkResolver.of("http://h/a/c.html", null).resolve("?p=2")).isEqualTo("http://h/a/c.html?p=2");
    assertThat(LinkResolver.directoryOf(new URL("http://h"))).isEqualTo("http://h");
    assertThat(LinkResolver.directoryOf(new URL("http://h/a/b.html?q#f"))).isEqualTo("http://h/a/");
  }
}
