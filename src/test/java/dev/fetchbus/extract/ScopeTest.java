package dev.fetchbus.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("A crawl scope")
class ScopeTest {

  private static Scope scope(JsonObject json, String... seeds) {
    return Scope.parse(json, List.of(seeds));
  }

  private static JsonArray array(String... values) {
    return new JsonArray(List.of(values));
  }

  @Test
  @DisplayName("in host mode (the default) follows only the seeds' hosts, whatever the port or path")
  void hostMode() {
    Scope scope = scope(null, "http://www.example.com/start", "https://docs.example.org/");

    assertThat(scope.allows("http://www.example.com/other/page")).isTrue();
    assertThat(scope.allows("https://www.example.com:8443/x")).isTrue();
    assertThat(scope.allows("https://docs.example.org/guide")).isTrue();
    assertThat(scope.allows("http://example.com/")).as("the parent domain is another host").isFalse();
    assertThat(scope.allows("http://blog.example.com/")).as("a sibling subdomain is another host").isFalse();
    assertThat(scope.allows("http://www.example.com.evil.test/")).isFalse();
    assertThat(scope.allows("http://elsewhere.test/")).isFalse();
    assertThat(scope(new JsonObject().put("mode", "host"), "http://www.example.com/")
        .allows("http://blog.example.com/"))
        .isFalse();
  }

  @Test
  @DisplayName("in domain mode follows every host of a seed's registered domain, public suffixes included")
  void domainModeIsPublicSuffixAware() {
    JsonObject domain = new JsonObject().put("mode", "domain");
    Scope uk = scope(domain, "http://a.example.co.uk/");

    assertThat(uk.allows("http://b.example.co.uk/page")).as("a sibling under example.co.uk").isTrue();
    assertThat(uk.allows("https://example.co.uk/")).as("the registered domain itself").isTrue();
    assertThat(uk.allows("http://deep.a.example.co.uk/")).isTrue();
    assertThat(uk.allows("http://other.co.uk/")).as("co.uk is a public suffix, not a shared domain").isFalse();
    assertThat(uk.allows("http://a.other.co.uk/")).isFalse();
    assertThat(uk.allows("http://example.com/")).isFalse();

    Scope com = scope(domain, "http://www.example.com/");
    assertThat(com.allows("http://blog.example.com/")).isTrue();
    assertThat(com.allows("http://example.org/")).isFalse();
    assertThat(com.allows("http://notexample.com/")).isFalse();
  }

  @Test
  @DisplayName("in domain mode an IP-address seed stands for itself, not for its neighbours")
  void domainModeIpSeed() {
    Scope scope = scope(new JsonObject().put("mode", "domain"), "http://127.0.0.1:8080/");

    assertThat(scope.allows("http://127.0.0.1:8080/page")).isTrue();
    assertThat(scope.allows("http://127.0.0.1:9090/other-port")).isTrue();
    assertThat(scope.allows("http://127.0.0.2:8080/")).isFalse();
    assertThat(scope.allows("http://10.0.0.1/")).isFalse();
    assertThat(scope.allows("http://1.127.0.0.1.example.com/")).isFalse();
  }

  @Test
  @DisplayName("in prefix mode follows URLs under the given prefixes only")
  void prefixModeWithExplicitPrefixes() {
    Scope scope = scope(new JsonObject().put("mode", "prefix")
            .put("prefixes", array("http://example.com/docs/", "https://other.example/api/v2/")),
        "http://example.com/docs/index.html");

    assertThat(scope.allows("http://example.com/docs/a/b")).isTrue();
    assertThat(scope.allows("https://other.example/api/v2/users")).isTrue();
    assertThat(scope.allows("http://example.com/blog/")).isFalse();
    assertThat(scope.allows("https://other.example/api/v1/users")).isFalse();
    assertThat(scope.allows("https://example.com/docs/a")).as("another scheme is another prefix").isFalse();
  }

  @Test
  @DisplayName("in prefix mode without prefixes, the seeds are the prefixes")
  void prefixModeDefaultsToSeeds() {
    Scope scope = scope(new JsonObject().put("mode", "prefix"), "http://example.com/docs/");

    assertThat(scope.allows("http://example.com/docs/")).isTrue();
    assertThat(scope.allows("http://example.com/docs/deep/page")).isTrue();
    assertThat(scope.allows("http://example.com/")).isFalse();
    assertThat(scope.allows("http://example.com/blog/docs/")).isFalse();
    assertThat(scope.toJson().getJsonArray("prefixes")).containsExactly("http://example.com/docs/");
  }

  @Test
  @DisplayName("in prefix mode a prefix ends at a path-segment boundary: /docs covers /docs/x, not /docs-private/x")
  void prefixStopsAtSegmentBoundary() {
    Scope scope = scope(new JsonObject().put("mode", "prefix").put("prefixes", array("http://h.test/docs")),
        "http://h.test/docs");

    assertThat(scope.allows("http://h.test/docs")).as("the prefix itself").isTrue();
    assertThat(scope.allows("http://h.test/docs/")).as("the prefix with a trailing slash").isTrue();
    assertThat(scope.allows("http://h.test/docs/a/b")).as("under prefix/").isTrue();
    assertThat(scope.allows("http://h.test/docs?page=2")).as("the prefix itself, with a query").isTrue();
    assertThat(scope.allows("http://h.test/docs-private/x")).as("a sibling sharing the spelling").isFalse();
    assertThat(scope.allows("http://h.test/docsx")).isFalse();
    assertThat(scope.allows("http://h.test/doc")).isFalse();
  }

  @Test
  @DisplayName("in prefix mode a prefix ending in / covers everything that starts with it")
  void prefixEndingInSlash() {
    Scope scope = scope(new JsonObject().put("mode", "prefix").put("prefixes", array("http://h.test/docs/")),
        "http://h.test/docs/");

    assertThat(scope.allows("http://h.test/docs/")).isTrue();
    assertThat(scope.allows("http://h.test/docs/x")).isTrue();
    assertThat(scope.allows("http://h.test/docs/?q=1")).isTrue();
    assertThat(scope.allows("http://h.test/docs")).as("the parent, without the slash, is not under it").isFalse();
    assertThat(scope.allows("http://h.test/docs-private/x")).isFalse();
  }

  @Test
  @DisplayName("in prefix mode a host-only prefix covers the whole site and no longer host name")
  void hostOnlyPrefix() {
    Scope scope = scope(new JsonObject().put("mode", "prefix").put("prefixes", array("http://h.test")),
        "http://h.test/");

    assertThat(scope.toJson().getJsonArray("prefixes")).as("normalised with its root path")
        .containsExactly("http://h.test/");
    assertThat(scope.allows("http://h.test/any/page")).isTrue();
    assertThat(scope.allows("http://h.test.evil/")).isFalse();
    assertThat(scope.allows("http://h.test:8080/")).isFalse();
  }

  @Test
  @DisplayName("a child sitemap is read only from a site the mode covers, whatever its path or the patterns")
  void childSitemaps() {
    Scope host = scope(new JsonObject().put("include", array("/docs/")).put("exclude", array("\\.xml")),
        "http://www.example.com/docs/");
    assertThat(host.allowsSitemap("http://www.example.com:8080/sitemap-2.xml")).isTrue();
    assertThat(host.allowsSitemap("http://blog.example.com/sitemap.xml")).isFalse();
    assertThat(host.allowsSitemap("http://elsewhere.test/sitemap.xml")).isFalse();

    Scope domain = scope(new JsonObject().put("mode", "domain"), "http://a.example.co.uk/");
    assertThat(domain.allowsSitemap("http://b.example.co.uk/sitemap.xml")).isTrue();
    assertThat(domain.allowsSitemap("http://other.co.uk/sitemap.xml")).isFalse();

    Scope prefix = scope(new JsonObject().put("mode", "prefix").put("prefixes", array("https://docs.example.org/v2/")),
        "http://www.example.com/");
    assertThat(prefix.allowsSitemap("https://docs.example.org/sitemap-v2.xml"))
        .as("a sitemap at the root of a prefix's host, outside the prefix").isTrue();
    assertThat(prefix.allowsSitemap("http://www.example.com/sitemap.xml"))
        .as("a seed's host that no prefix covers").isFalse();
  }

  @Test
  @DisplayName("the mode is read case-insensitively")
  void modeCase() {
    assertThat(scope(new JsonObject().put("mode", "DOMAIN"), "http://www.example.com/").allows("http://a.example.com/"))
        .isTrue();
  }

  @Test
  @DisplayName("include patterns: a URL in mode must match at least one of them")
  void include() {
    Scope scope = scope(new JsonObject().put("include", array("/docs/", "\\.html$")), "http://example.com/");

    assertThat(scope.allows("http://example.com/docs/x")).isTrue();
    assertThat(scope.allows("http://example.com/blog/post.html")).isTrue();
    assertThat(scope.allows("http://example.com/blog/post")).isFalse();
    assertThat(scope.allows("http://other.test/docs/x")).as("patterns never widen the mode").isFalse();
  }

  @Test
  @DisplayName("exclude patterns: a URL matching any of them is out, even when an include matches")
  void exclude() {
    Scope scope = scope(new JsonObject().put("include", array("/docs/")).put("exclude", array("\\?", "/private/")),
        "http://example.com/");

    assertThat(scope.allows("http://example.com/docs/page")).isTrue();
    assertThat(scope.allows("http://example.com/docs/page?print=1")).isFalse();
    assertThat(scope.allows("http://example.com/docs/private/x")).isFalse();
    assertThat(scope(new JsonObject().put("exclude", array("\\.pdf$")), "http://example.com/")
        .allows("http://example.com/a.pdf")).isFalse();
  }

  static List<Arguments> badScopes() {
    return List.of(
        Arguments.of(new JsonObject().put("mode", "subdomain"), "scope.mode"),
        Arguments.of(new JsonObject().put("mode", 3), "scope.mode"),
        Arguments.of(new JsonObject().put("include", array("(unclosed")), "scope.include"),
        Arguments.of(new JsonObject().put("exclude", array("ok", "[a-")), "scope.exclude"),
        Arguments.of(new JsonObject().put("include", "/docs/"), "scope.include"),
        Arguments.of(new JsonObject().put("exclude", new JsonObject()), "scope.exclude"),
        Arguments.of(new JsonObject().put("include", new JsonArray().add(5)), "scope.include"),
        Arguments.of(new JsonObject().put("prefixes", "http://example.com/"), "scope.prefixes"),
        Arguments.of(new JsonObject().put("mode", "prefix").put("prefixes", array("ftp://example.com/")),
            "scope.prefixes"),
        Arguments.of(new JsonObject().put("include", array("x".repeat(501))), "scope.include"));
  }

  @ParameterizedTest(name = "{0} is rejected naming {1}")
  @MethodSource("badScopes")
  @DisplayName("a bad field is an IllegalArgumentException that names it")
  void badFieldsAreNamed(JsonObject bad, String field) {
    assertThatThrownBy(() -> scope(bad, "http://example.com/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(field);
  }

  static List<Arguments> scopes() {
    return List.of(
        Arguments.of(new JsonObject()),
        Arguments.of(new JsonObject().put("mode", "domain").put("exclude", array("/tag/"))),
        Arguments.of(new JsonObject().put("mode", "prefix")),
        Arguments.of(new JsonObject().put("mode", "prefix").put("prefixes", array("http://a.example.co.uk/x/"))
            .put("include", array("/x/y", "\\.html$")).put("exclude", array("secret"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scopes")
  @DisplayName("toJson parses back, with the same seeds, to a scope that decides every URL the same way")
  void roundTrip(JsonObject json) {
    List<String> seeds = List.of("http://a.example.co.uk/x/", "http://127.0.0.1:8080/start");
    Scope original = Scope.parse(json, seeds);
    JsonObject stored = new JsonObject(original.toJson().encode());
    Scope again = Scope.parse(stored, seeds);

    List<String> probes =
        List.of("http://a.example.co.uk/x/", "http://a.example.co.uk/x/y", "http://a.example.co.uk/x/y.html",
        "http://a.example.co.uk/x/secret", "http://a.example.co.uk/tag/1", "http://b.example.co.uk/x/y",
        "http://other.co.uk/x/y", "http://127.0.0.1:8080/start", "http://127.0.0.1:8080/start/more",
        "http://127.0.0.1:9999/start", "http://127.0.0.2:8080/start", "https://a.example.co.uk/x/y");
    Predicate<String> before = original::allows;
    for (String url : probes) {
      assertThat(again.allows(url)).as("%s under %s", url, stored).isEqualTo(before.test(url));
    }
    assertThat(probes.stream().filter(before)).as("the probes are not all in or all out").isNotEmpty()
        .hasSizeLessThan(probes.size());
    assertThat(again.toJson()).isEqualTo(stored);
  }

  @Test
  @DisplayName("the stored form has every field spelled out, mode in lower case")
  void storedForm() {
    JsonObject stored = scope(new JsonObject().put("mode", "Domain"), "http://example.com/").toJson();
    assertThat(stored.getString("mode")).isEqualTo("domain");
    assertThat(stored.fieldNames()).containsExactlyInAnyOrder("mode", "prefixes", "include", "exclude");
  }

  @Test
  @DisplayName("patterns run in linear time (RE2): a catastrophic one for backtracking engines still answers")
  @Timeout(60) // a hang guard, not a speed claim: java.util.regex took minutes here
  void linearTimePatterns() {
    Scope scope = Scope.parse(new JsonObject().put("exclude",
        new JsonArray().add("(.*a){12}b")), List.of("https://example.com/"));
    String url = "https://example.com/" + "a".repeat(40);
    assertThat(scope.allows(url)).isTrue();
    assertThat(scope.allows(url + "b")).isFalse();
  }

  @Test
  @DisplayName("backreferences are refused with a message that says why")
  void backreferencesRefused() {
    assertThatThrownBy(() -> Scope.parse(new JsonObject()
            .put("include", new JsonArray().add("(a)\\1")), List.of("https://example.com/")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RE2");
  }
}
