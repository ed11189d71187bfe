package dev.fetchbus.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("A job's options")
class JobOptionsTest {
  /** Defaults: host 4 / 0 ms, fetch 30000 ms / 2097152 bytes; bounds: 64, 0, 120000, 8388608. */
  private static final Settings SETTINGS = Settings.load(new JsonObject(), Map.of());

  @Test
  @DisplayName("none given: the node's defaults")
  void defaults() {
    JobOptions options = JobOptions.parse(null, SETTINGS);
    assertThat(options).isEqualTo(new JobOptions(4, 0, 30_000, 2_097_152, true, true, "body", 1));
    assertThat(JobOptions.parse(new JsonObject(), SETTINGS)).isEqualTo(options);
  }

  @Test
  @DisplayName("given ones override the defaults, the rest keep them")
  void overrides() {
    JobOptions options = JobOptions.parse(new JsonObject().put("hostConcurrency", 8).put("timeoutMs", 1000), SETTINGS);
    assertThat(options).isEqualTo(new JobOptions(8, 0, 1000, 2_097_152, true, true, "body", 1));
  }

  @Test
  @DisplayName("values exactly at the bounds are accepted")
  void atBounds() {
    JobOptions low = JobOptions.parse(new JsonObject().put("hostConcurrency", 1).put("hostDelayMs", 0)
        .put("timeoutMs", 100).put("maxBodyBytes", 1), SETTINGS);
    assertThat(low).isEqualTo(new JobOptions(1, 0, 100, 1, true, true, "body", 1));
    JobOptions high = JobOptions.parse(new JsonObject().put("hostConcurrency", 64).put("hostDelayMs", 3_600_000)
        .put("timeoutMs", 120_000).put("maxBodyBytes", 8_388_608), SETTINGS);
    assertThat(high).isEqualTo(new JobOptions(64, 3_600_000, 120_000, 8_388_608, true, true, "body", 1));
  }

  @ParameterizedTest(name = "{0} = {1} is refused, naming the bound {2}")
  @CsvSource({
      "hostConcurrency, 0,        1",
      "hostConcurrency, 65,       64",
      "hostDelayMs,     -1,       0",
      "hostDelayMs,     3600001,  3600000",
      "timeoutMs,       99,       100",
      "timeoutMs,       120001,   120000",
      "maxBodyBytes,    0,        1",
      "maxBodyBytes,    8388609,  8388608",
  })
  void outOfBounds(String key, long value, String bound) {
    assertThatThrownBy(() -> JobOptions.parse(new JsonObject().put(key, value), SETTINGS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(key)
        .hasMessageContaining(bound)
        .hasMessageContaining(String.valueOf(value));
  }

  @Test
  @DisplayName("the bounds are the operator's job.* settings")
  void operatorBounds() {
    Settings strict = Settings.load(new JsonObject().put("job",
        new JsonObject().put("maxHostConcurrency", 8).put("minHostDelayMs", 500).put("maxTimeoutMs", 5000)), Map.of());
    assertThatThrownBy(() -> JobOptions.parse(new JsonObject().put("hostConcurrency", 9), strict))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 1 and 8");
    assertThatThrownBy(() -> JobOptions.parse(new JsonObject().put("hostDelayMs", 499), strict))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("500");
    assertThatThrownBy(() -> JobOptions.parse(new JsonObject().put("timeoutMs", 5001), strict))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5000");
    assertThat(JobOptions.parse(new JsonObject().put("hostConcurrency", 8).put("hostDelayMs", 500), strict)
        .hostConcurrency()).isEqualTo(8);
  }

  @Test
  @DisplayName("whole numbers may come as strings (query parameters) or as whole floating-point numbers")
  void numberForms() {
    assertThat(JobOptions.parse(new JsonObject().put("hostConcurrency", "12"), SETTINGS).hostConcurrency())
        .isEqualTo(12);
    assertThat(JobOptions.parse(new JsonObject().put("timeoutMs", 2000.0), SETTINGS).timeoutMs()).isEqualTo(2000);
  }

  @Test
  @DisplayName("non-whole or non-numeric values are refused, naming the option")
  void notWholeNumbers() {
    for (Object bad : new Object[] {1.5, "abc", "", "1e3", true, new JsonObject()}) {
      assertThatThrownBy(() -> JobOptions.parse(new JsonObject().put("timeoutMs", bad), SETTINGS))
          .as("timeoutMs = %s", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("timeoutMs")
          .hasMessageContaining("whole number");
    }
  }

  @Test
  @DisplayName("a huge number is refused as out of bounds, not wrapped around")
  void hugeNumbers() {
    assertThatThrownBy(() -> JobOptions.parse(new JsonObject().put("maxBodyBytes", 4_294_967_297L), SETTINGS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8388608");
    assertThatThrownBy(() -> JobOptions.parse(new JsonObject().put("maxBodyBytes", "9999999999"), SETTINGS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8388608");
    assertThatThrownBy(() -> JobOptions.parse(new JsonObject().put("timeoutMs", 1e30), SETTINGS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("120000");
  }

  @Test
  @DisplayName("an unknown option is refused, naming it and the known ones")
  void unknownOption() {
    assertThatThrownBy(() -> JobOptions.parse(new JsonObject().put("timeout", 1000), SETTINGS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'timeout'")
        .hasMessageContaining("timeoutMs");
  }

  @Test
  @DisplayName("stored options round-trip through JSON, and missing keys take the defaults")
  void stored() {
    JobOptions options = new JobOptions(3, 250, 5000, 1024, true, true, "none", 1);
    assertThat(JobOptions.stored(options.toJson(), SETTINGS)).isEqualTo(options);
    assertThat(JobOptions.stored(new JsonObject().put("timeoutMs", 7000), SETTINGS))
        .isEqualTo(new JobOptions(4, 0, 7000, 2_097_152, true, true, "none", 1));
  }

  @Test
  @DisplayName("a proxy is refused while fetch.allowProxies is empty, and the message names the setting")
  void proxyNeedsAllowList() {
    assertThatThrownBy(() -> JobOptions.parse(new JsonObject().put("proxy", "http://127.0.0.1:3128"), SETTINGS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fetch.allowProxies");
  }

  @Test
  @DisplayName("an allowed proxy is kept with its password, which only the stored form shows")
  void allowedProxy() {
    Settings allowing = Settings.load(new JsonObject().put("fetch", new JsonObject()
        .put("allowProxies", "proxy.internal:3128, 10.8.0.0/16")), Map.of());
    JobOptions byName =
        JobOptions.parse(new JsonObject().put("proxy", "http://u:p%40ss@proxy.internal:3128"), allowing);
    assertThat(byName.proxy()).isEqualTo(new ProxyUrl("http", "proxy.internal", 3128, "u", "p@ss"));
    assertThat(byName.proxy().toString()).isEqualTo("http://u:****@proxy.internal:3128");
    assertThat(JobOptions.stored(byName.toJson(), allowing)).isEqualTo(byName);
    assertThat(Secrets.masked(byName.toJson()).getString("proxy")).isEqualTo("http://u:****@proxy.internal:3128");

    JobOptions inNetwork = JobOptions.parse(new JsonObject().put("proxy", "socks5://10.8.3.4:1080"), allowing);
    assertThat(inNetwork.proxy().type()).isEqualTo("socks5");
    assertThatThrownBy(() -> JobOptions.parse(new JsonObject().put("proxy", "socks5://10.9.0.1:1080"), allowing))
        .hasMessageContaining("10.9.0.1:1080 is not in fetch.allowProxies");
    assertThatThrownBy(() -> JobOptions.parse(new JsonObject().put("proxy", "http://proxy.internal:8080"), allowing))
        .as("a host:port entry allows that port only").hasMessageContaining("not in fetch.allowProxies");
    assertThatThrownBy(() -> JobOptions.parse(new JsonObject().put("proxy", "https://u:secret@10.8.0.1:443"), allowing))
        .hasMessageContaining("scheme 'https'").satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
  }

  @Test
  @DisplayName("the node's proxy is checked at startup, and settings print it masked")
  void nodeProxy() {
    Settings s =
        Settings.load(new JsonObject().put("fetch", new JsonObject().put("proxy", "socks5://n:pw@127.0.0.1:1080")),
        Map.of());
    assertThat(s.egress().proxy().masked()).isEqualTo("socks5://n:****@127.0.0.1:1080");
    assertThat(Secrets.masked(s.json()).encode()).doesNotContain(":pw@");
    assertThatThrownBy(() -> Settings.load(new JsonObject(), Map.of("FETCHBUS_FETCH_PROXY", "http://n:pw@127.0.0.1")))
        .hasMessageContaining("fetch.proxy").hasMessageContaining("port")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw"));
    assertThat(s.egress().http2()).isTrue();
  }

  @Test
  @DisplayName("request options: headers per host (never a subdomain), credentials, cookies; they round-trip stored")
  void requests() {
    JsonObject raw = new JsonObject().put("userAgent", "AcmeBot/1.0 (+https://example.com/bot)")
        .put("headers", new JsonArray()
            .add(new JsonObject().put("host", "API.Example.com").put("headers", new JsonObject().put("X-Key", "k"))))
        .put("auth", new JsonArray().add(new JsonObject().put("host", "api.example.com")
            .put("type", "bearer").put("token", "t")))
        .put("cookies", true);
    JobOptions options = JobOptions.parse(raw, SETTINGS);
    JobRequests r = options.requests();
    assertThat(JobRequests.agentToken(r.userAgent())).isEqualTo("acmebot");
    assertThat(r.headersFor("api.example.com")).containsExactly(Map.entry("X-Key", "k"),
        Map.entry("Authorization", "Bearer t"));
    assertThat(r.headersFor("www.api.example.com")).isEmpty();
    assertThat(r.headersFor("example.com")).isEmpty();
    assertThat(r.cookies()).isTrue();
    assertThat(JobOptions.stored(options.toJson(), SETTINGS)).isEqualTo(options);
    assertThat(Secrets.maskedJobOptions(options.toJson()).encode()).doesNotContain("\"t\"", "\"k\"");
  }

  @Test
  @DisplayName("request options are bounded by the operator")
  void requestBounds() {
    Settings tight = Settings.load(new JsonObject().put("job", new JsonObject().put("maxHeaders", 1)
        .put("maxUserAgentLength", 10).put("maxCookies", 0)), Map.of());
    assertThatThrownBy(() -> JobOptions.parse(new JsonObject().put("headers", new JsonObject().put("A", "1")
        .put("B", "2")), tight)).hasMessageContaining("job.maxHeaders");
    assertThatThrownBy(() -> JobOptions.parse(new JsonObject().put("userAgent", "abcdefghijk/1"), tight))
        .hasMessageContaining("job.maxUserAgentLength");
    assertThatThrownBy(() -> JobOptions.parse(new JsonObject().put("cookies", new JsonArray()
        .add(new JsonObject().put("name", "a").put("value", "b").put("domain", "x.example"))), tight))
        .hasMessageContaining("job.maxCookies");
  }

  @Test
  @DisplayName("request options and a proxy together: both stored in clear, both masked in views")
  void requestsAndProxy() {
    Settings allowing = Settings.load(new JsonObject().put("fetch", new JsonObject()
        .put("allowProxies", "127.0.0.1:3128")), Map.of());
    JsonObject given = new JsonObject().put("userAgent", "examplebot/2.0 (+https://example.com/bot)")
        .put("headers", new JsonObject().put("X-Api-Key", "k1"))
        .put("auth", new JsonArray().add(new JsonObject().put("host", "example.com")
            .put("type", "bearer").put("token", "t1")))
        .put("cookies", new JsonArray().add(new JsonObject().put("name", "sid").put("value", "c1")
            .put("domain", "example.com")))
        .put("proxy", "http://u:pw1@127.0.0.1:3128");
    JobOptions options = JobOptions.parse(given, allowing);
    assertThat(options.requests().userAgent()).isEqualTo("examplebot/2.0 (+https://example.com/bot)");
    assertThat(options.proxy()).isEqualTo(new ProxyUrl("http", "127.0.0.1", 3128, "u", "pw1"));
    assertThat(JobOptions.stored(options.toJson(), allowing)).isEqualTo(options);
    JsonObject shown = Secrets.maskedJobOptions(options.toJson());
    assertThat(shown.encode()).doesNotContain("k1", "t1", "c1", "pw1");
    assertThat(shown.getString("proxy")).isEqualTo("http://u:****@127.0.0.1:3128");
    assertThat(shown.getString("userAgent")).as("a contact URL is not a secret")
        .isEqualTo("examplebot/2.0 (+https://example.com/bot)");
  }

  @Test
  @DisplayName("render: none by default and not stored; chromium kept and read back; anything else refused")
  void render() {
    Settings withTrue =
        Settings.load(new JsonObject().put("render", new JsonObject().put("chromium", "/bin/true")), Map.of());
    assertThat(JobOptions.parse(new JsonObject(), SETTINGS).render().enabled()).isFalse();
    assertThat(JobOptions.parse(new JsonObject(), SETTINGS).toJson().containsKey("render")).isFalse();
    JobOptions rendering = JobOptions.parse(new JsonObject().put("render", "chromium"), withTrue);
    assertThat(rendering.render().enabled()).isTrue();
    assertThat(JobOptions.stored(rendering.toJson(), withTrue)).isEqualTo(rendering);
    assertThatThrownBy(() -> JobOptions.parse(new JsonObject().put("render", "webkit"), withTrue))
        .hasMessageContaining("'render' must be 'none' or 'chromium'");
  }

  @Test
  @DisplayName("render: chromium on a node whose render.chromium is missing is refused, naming the key")
  void renderUnavailable() {
    Settings missing =
        Settings.load(new JsonObject().put("render", new JsonObject().put("chromium", "/no/such/chromium")), Map.of());
    assertThatThrownBy(() -> JobOptions.parse(new JsonObject().put("render", "chromium"), missing))
        .hasMessageContaining("render.chromium").hasMessageContaining("/no/such/chromium");
    assertThat(JobOptions.parse(new JsonObject().put("render", "none"), missing).render().enabled()).isFalse();
  }

  @Test
  @DisplayName("screenshot: only with render: chromium, true or false, kept with the job")
  void screenshot() {
    Settings withTrue =
        Settings.load(new JsonObject().put("render", new JsonObject().put("chromium", "/bin/true")), Map.of());
    assertThatThrownBy(() -> JobOptions.parse(new JsonObject().put("screenshot", true), withTrue))
        .hasMessageContaining("'screenshot' needs 'render': 'chromium'");
    assertThatThrownBy(() ->
        JobOptions.parse(new JsonObject().put("render", "chromium").put("screenshot", "yes"), withTrue))
        .hasMessageContaining("'screenshot' must be true or false");
    JobOptions shots = JobOptions.parse(new JsonObject().put("render", "chromium").put("screenshot", "true"), withTrue);
    assertThat(shots.render().screenshot()).isTrue();
    assertThat(JobOptions.stored(shots.toJson(), withTrue).render().screenshot()).isTrue();
  }
}
