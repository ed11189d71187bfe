package dev.fetchbus.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.store.StoredCookie;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Cookies follow RFC 6265")
class CookieJarTest {
  private static final long NOW = 1_700_000_000_000L;

  private static StoredCookie set(String header, String url) {
    return CookieRules.fromHeader(header, URI.create(url), NOW);
  }

  private static String sent(CookieJar jar, String url) {
    return jar.header(URI.create(url), NOW + 1);
  }

  @Test
  @DisplayName("without Domain a cookie is host-only: not sent to subdomains")
  void hostOnly() {
    CookieJar jar = new CookieJar(10);
    jar.receive(List.of("a=1"), URI.create("http://example.com/x/y"), NOW);
    assertThat(sent(jar, "http://example.com/x/z")).isEqualTo("a=1");
    assertThat(sent(jar, "http://www.example.com/x/z")).isNull();
    assertThat(sent(jar, "http://example.com/other")).as("default path /x").isNull();
  }

  @Test
  @DisplayName("a Domain cookie goes to the domain and its subdomains, never to other sites")
  void domainCookie() {
    CookieJar jar = new CookieJar(10);
    jar.receive(List.of("d=1; Domain=.example.com; Path=/"), URI.create("http://www.example.com/"), NOW);
    assertThat(sent(jar, "http://example.com/")).isEqualTo("d=1");
    assertThat(sent(jar, "http://a.b.example.com/p")).isEqualTo("d=1");
    assertThat(sent(jar, "http://notexample.com/")).isNull();
    assertThat(set("x=1; Domain=other.org", "http://www.example.com/")).as("a domain the host is not in").isNull();
  }

  @Test
  @DisplayName("public suffixes and bare TLDs cannot be a cookie's domain")
  void supercookies() {
    assertThat(set("x=1; Domain=com", "http://www.example.com/")).isNull();
    assertThat(set("x=1; Domain=.co.uk", "http://shop.example.co.uk/")).isNull();
    assertThat(set("x=1; Domain=github.io", "http://me.github.io/")).isNull();
    assertThat(set("x=1; Domain=example.co.uk", "http://shop.example.co.uk/")).isNotNull();
  }

  @Test
  @DisplayName("IP hosts match exactly; Secure cookies are neither set over http nor sent there")
  void ipAndSecure() {
    assertThat(set("x=1; Domain=0.0.1", "http://127.0.0.1/")).isNull();
    assertThat(set("s=1; Secure", "http://example.com/")).isNull();
    CookieJar jar = new CookieJar(10);
    jar.receive(List.of("s=1; Secure; Path=/"), URI.create("https://example.com/"), NOW);
    assertThat(sent(jar, "https://example.com/a")).isEqualTo("s=1");
    assertThat(sent(jar, "http://example.com/a")).isNull();
  }

  @Test
  @DisplayName("Max-Age and Expires end a cookie; Max-Age=0 deletes it and is reported for the database")
  void expiry() {
    CookieJar jar = new CookieJar(10);
    URI uri = URI.create("http://example.com/");
    assertThat(jar.receive(List.of("a=1; Max-Age=60", "b=2; Expires=Wed, 21 Oct 2015 07:28:00 GMT"), uri, NOW))
        .extracting(StoredCookie::name).containsExactly("a");
    assertThat(jar.header(uri, NOW + 59_000)).isEqualTo("a=1");
    assertThat(jar.header(uri, NOW + 61_000)).isNull();
    List<StoredCookie> deleted = jar.receive(List.of("a=gone; Max-Age=0"), uri, NOW + 1000);
    assertThat(deleted).hasSize(1);
    assertThat(deleted.get(0).expired(NOW + 1000)).isTrue();
    assertThat(jar.header(uri, NOW + 2000)).isNull();
  }

  @Test
  @DisplayName("paths match on segment boundaries; longer paths come first; an unchanged cookie is not written again")
  void pathsAndWrites() {
    CookieJar jar = new CookieJar(10);
    URI uri = URI.create("http://example.com/docs/a");
    assertThat(jar.receive(List.of("root=1; Path=/", "docs=2; Path=/docs"), uri, NOW)).hasSize(2);
    assertThat(sent(jar, "http://example.com/docs/x")).isEqualTo("docs=2; root=1");
    assertThat(sent(jar, "http://example.com/docsearch")).isEqualTo("root=1");
    assertThat(jar.receive(List.of("root=1; Path=/"), uri, NOW + 5)).as("nothing changed").isEmpty();
    assertThat(jar.receive(List.of("root=2; Path=/"), uri, NOW + 5)).hasSize(1);
  }

  @Test
  @DisplayName("a jar holds at most its bound; the later of two versions of a cookie wins a merge")
  void boundAndMerge() {
    CookieJar jar = new CookieJar(2);
    URI uri = URI.create("http://example.com/");
    assertThat(jar.receive(List.of("a=1", "b=2", "c=3"), uri, NOW)).hasSize(2);
    jar.merge(List.of(new StoredCookie("example.com", "/", "a", "older", true, false, null, NOW - 1),
        new StoredCookie("example.com", "/", "b", "newer", true, false, null, NOW + 1)));
    assertThat(sent(jar, "http://example.com/")).isEqualTo("a=1; b=newer");
  }
}
