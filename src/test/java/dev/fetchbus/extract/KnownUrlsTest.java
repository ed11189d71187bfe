package dev.fetchbus.extract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KnownUrlsTest {

  @Test
  void answersAsTheNormaliserDoesWithoutTheFragment() {
    for (String url : new String[] {"HTTP://Example.COM:80/a/../b?x=1#top", "http://example.com/%7Euser?page=2#p",
        "ftp://example.com/x#y", "http://[fe80::1%25lo]/#z", "not a url#x"}) {
      assertThat(KnownUrls.normalize(url)).isEqualTo(UrlNormalizer.normalize(KnownUrls.withoutFragment(url)));
    }
    assertThat(KnownUrls.normalised("HTTP://Example.COM:80/a/../b?x=1#top")).isEqualTo("http://example.com/b?x=1");
    assertThat(KnownUrls.host("http://Sub.Example.com/#x")).isEqualTo("sub.example.com");
    assertThat(KnownUrls.host("mailto:someone")).isEmpty();
  }

  @Test
  void aFragmentNeverMakesAUrlTooLong() {
    String page = "http://example.com/page.html";
    assertThat(KnownUrls.normalised(page + "#" + "a".repeat(UrlNormalizer.MAX_LENGTH))).isEqualTo(page);
  }

  @Test
  void anchorsOfOnePageAreOneEntry() {
    assertThat(KnownUrls.withoutFragment("http://h/a.html#x#y")).isEqualTo("http://h/a.html");
    assertThat(KnownUrls.withoutFragment("http://h/a.html?q=#")).isEqualTo("http://h/a.html?q=");
    assertThat(KnownUrls.withoutFragment("http://h/a.html")).isEqualTo("http://h/a.html");
  }
}
