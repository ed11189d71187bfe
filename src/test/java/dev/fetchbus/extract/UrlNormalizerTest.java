package dev.fetchbus.extract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The URL normalizer")
class UrlNormalizerTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      // case: scheme and host lower-cased, path kept
      "HTTP://Example.COM/Path                  | http://example.com/Path",
      "HtTpS://WWW.Example.com/A/b              | https://www.example.com/A/b",
      // default ports dropped, others kept
      "http://example.com:80/x                  | http://example.com/x",
      "https://example.com:443/x                | https://example.com/x",
      "https://example.com:8443/x               | https://example.com:8443/x",
      "http://example.com:443/x                 | http://example.com:443/x",
      // an empty path is /
      "http://example.com                       | http://example.com/",
      "http://example.com?x=1                   | http://example.com/?x=1",
      // dot segments resolved
      "http://example.com/a/./b/../c            | http://example.com/a/c",
      "http://example.com/../x                  | http://example.com/x",
      // percent-encoding: unreserved decoded, unsafe encoded, stray % escaped
      "http://example.com/%7Euser/%41           | http://example.com/~user/A",
      "http://example.com/a b                   | http://example.com/a%20b",
      "http://example.com/ä                     | http://example.com/%C3%A4",
      "http://example.com/100%                  | http://example.com/100%25",
      "http://example.com/a%2Fb                 | http://example.com/a%2Fb",
      // fragments removed
      "http://example.com/page#section          | http://example.com/page",
      "http://example.com/page?q=1#frag         | http://example.com/page?q=1",
      "http://example.com/#                     | http://example.com/",
      // surrounding whitespace ignored, user info dropped, IDN hosts in punycode
      "'  http://example.com/x  '               | http://example.com/x",
      "http://user:secret@example.com/          | http://example.com/",
      "http://bücher.de/                        | http://xn--bcher-kva.de/",
  })
  void normalizes(String raw, String expected) {
    UrlNormalizer.Result result = UrlNormalizer.normalize(raw);
    assertThat(result).isInstanceOf(UrlNormalizer.Accepted.class);
    assertThat(((UrlNormalizer.Accepted) result).url()).isEqualTo(expected);
  }

  @Test
  @DisplayName("different spellings of one page normalize to one URL, and its host is lower-case")
  void spellingsMeet() {
    UrlNormalizer.Accepted a = (UrlNormalizer.Accepted) UrlNormalizer.normalize("HTTP://Example.com:80/a/../b#x");
    UrlNormalizer.Accepted b = (UrlNormalizer.Accepted) UrlNormalizer.normalize("http://example.COM/b");
    assertThat(a.url()).isEqualTo(b.url());
    assertThat(a.host()).isEqualTo("example.com").isEqualTo(b.host());
    assertThat(((UrlNormalizer.Accepted) UrlNormalizer.normalize("http://127.0.0.1:8080/")).host())
        .isEqualTo("127.0.0.1");
  }

  @ParameterizedTest(name = "rejects {0} ({1})")
  @CsvSource(delimiter = '|', value = {
      "ftp://example.com/file                   | unsupported scheme 'ftp'",
      "mailto:someone@example.com               | unsupported scheme 'mailto'",
      "javascript:alert(1)                      | unsupported scheme 'javascript'",
      "file:///etc/passwd                       | unsupported scheme 'file'",
      "data:text/html,hello                     | unsupported scheme 'data'",
      "example.com/no-scheme                    | not an absolute http(s) URL",
      "/relative/path                           | not an absolute http(s) URL",
      "http:///path-only                        | no host",
      "http://                                  | no host",
      "http://exa mple.com/                     | malformed URL",
      "http://example.com:0/                    | port out of range",
      "http://example.com:99999/                | port out of range",
      // a browser ends the authority at the backslash, java.net.URL does not and decodes the escape:
      // these became http://evil@good.com/ and a host with a '#' in it (found by Jazzer)
      "http://\\x@evil%40good.com/              | a percent-encoded",
      "http://\\u@host%23name:49?q/             | a percent-encoded",
  })
  void rejects(String raw, String reason) {
    UrlNormalizer.Result result = UrlNormalizer.normalize(raw);
    assertThat(result).isInstanceOf(UrlNormalizer.Rejected.class);
    assertThat(((UrlNormalizer.Rejected) result).reason()).startsWith(reason);
  }

  @Test
  @DisplayName("rejects URLs longer than 2048 characters, and accepts one of exactly 2048")
  void tooLong() {
    String prefix = "http://example.com/";
    String atLimit = prefix + "a".repeat(UrlNormalizer.MAX_LENGTH - prefix.length());
    assertThat(atLimit).hasSize(2048);
    assertThat(UrlNormalizer.normalize(atLimit)).isInstanceOf(UrlNormalizer.Accepted.class);

    UrlNormalizer.Result tooLong = UrlNormalizer.normalize(atLimit + "a");
    assertThat(tooLong).isInstanceOf(UrlNormalizer.Rejected.class);
    assertThat(((UrlNormalizer.Rejected) tooLong).reason()).contains("2048");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://[fe80::1%25lo]/", "http://[fe80::1%lo]/x",
      "https://[fe80::abcd%25eth0]:8443/", "http://[FE80::1%2525]/"})
  @DisplayName("IPv6 zone identifiers are refused with a reason that names them")
  void zoneIds(String url) {
    UrlNormalizer.Result result = UrlNormalizer.normalize(url);
    assertThat(result).isInstanceOf(UrlNormalizer.Rejected.class);
    assertThat(((UrlNormalizer.Rejected) result).reason()).contains("zone identifier");
  }

  /**
   * Normalising is idempotent: the spelling fetchbus stores normalises to itself, or a URL stored
   * once would not be found again by the same URL (a property over URLs that stress each step).
   */
  @ParameterizedTest
  @ValueSource(strings = {"http://Example.COM:80/a/./b/../c?q=1#f",
      "https://example.com:443", "http://[::1]:8080/x", "http://[::ffff:127.0.0.1]/", "http://example.com/a%2fb%7e",
      "http://example.com/a b", "http://example.com/?a=%zz&b", "http://example.com/%", "http://EXAMPLE.com./",
      "http://bücher.example/straße?ü=1", "http://example.com/a//b///c", "http://example.com/;p?q#f",
      "http://user:pw@example.com/", "http://example.com/%E2%82%AC", "http://example.com/€", "http://0x7f.1/",
      "http://example.com/a?b=c&d=e&b=f", "http://example.com/.%2e/x", "HTTP://EXAMPLE.COM/UPPER"})
  @DisplayName("normalising a normalised URL changes nothing")
  void idempotent(String raw) {
    if (UrlNormalizer.normalize(raw) instanceof UrlNormalizer.Accepted once) {
      assertThat(UrlNormalizer.normalize(once.url())).as(raw).isEqualTo(once);
    }
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
      "http://0177.0.0.1/, http://127.0.0.1/", "http://0x7f.1/x, http://127.0.0.1/x",
      "http://2130706433/, http://127.0.0.1/", "http://127.1:8080/, http://127.0.0.1:8080/",
      "http://0x7F.0x0.0.01/, http://127.0.0.1/", "http://user@017700000001/, http://127.0.0.1/",
      "http://192.168.1.1./, http://192.168.1.1/", "http://010.0.0.1/, http://8.0.0.1/"})
  @DisplayName("IPv4 hosts are read as browsers read them (WHATWG): octal, hex and short forms become dotted decimal")
  void whatwgIpv4(String raw, String expected) {
    assertThat(UrlNormalizer.normalize(raw)).isInstanceOfSatisfying(UrlNormalizer.Accepted.class,
        ok -> assertThat(ok.url()).isEqualTo(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://1.2.3.4.5/", "http://256.1.1.1/",
      "http://0x100000000/", "http://1.2.3.09/", "http://1.16777216/", "http://example.1/"})
  @DisplayName("hosts that end in a number but are no IPv4 address are refused, not looked up as names")
  void invalidIpv4(String raw) {
    assertThat(UrlNormalizer.normalize(raw)).isInstanceOf(UrlNormalizer.Rejected.class);
  }
}
