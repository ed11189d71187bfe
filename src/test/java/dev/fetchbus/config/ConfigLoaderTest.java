package dev.fetchbus.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fetchbus.cluster.ClusterSetup;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Loading configuration")
class ConfigLoaderTest {

  @ParameterizedTest(name = "{0} is set by {1}")
  @CsvSource({
      "fetch.maxInFlight,     FETCHBUS_FETCH_MAX_IN_FLIGHT",
      "host.delayMs,          FETCHBUS_HOST_DELAY_MS",
      "fetch.allowNetworks,   FETCHBUS_FETCH_ALLOW_NETWORKS",
      "http.maxJsonBytes,     FETCHBUS_HTTP_MAX_JSON_BYTES",
      "pg.url,                FETCHBUS_PG_URL",
      "admin.key,             FETCHBUS_ADMIN_KEY",
      "job.maxHostConcurrency, FETCHBUS_JOB_MAX_HOST_CONCURRENCY",
      "metrics.profileMaxSeconds, FETCHBUS_METRICS_PROFILE_MAX_SECONDS",
      "metrics.loopBlockedMs, FETCHBUS_METRICS_LOOP_BLOCKED_MS",
  })
  void envNames(String key, String env) {
    assertThat(ConfigLoader.envName(key)).isEqualTo(env);
  }

  @Test
  @DisplayName("without overlay or environment, the checked-in defaults apply")
  void defaults() {
    Settings s = Settings.load(new JsonObject(), Map.of());
    assertThat(s.fetch().maxInFlight()).isEqualTo(256);
    assertThat(s.fetch().allowNetworks()).isEmpty();
    assertThat(s.fetch().maxRedirects()).isEqualTo(5);
    assertThat(s.host().delayMs()).isZero();
  }

  @Test
  @DisplayName("environment variables override defaults and the overlay, coerced to the default's type")
  void envOverrides() {
    JsonObject overlay = new JsonObject().put("fetch", new JsonObject().put("maxInFlight", 10))
        .put("host", new JsonObject().put("delayMs", 5));
    Map<String, String> env = Map.of(
        "FETCHBUS_FETCH_MAX_IN_FLIGHT", "42",
        "FETCHBUS_HOST_DELAY_MS", " 250 ",
        "FETCHBUS_FETCH_ALLOW_NETWORKS", "10.0.0.0/8, 127.0.0.0/8",
        "FETCHBUS_FETCH_USER_AGENT", "agent/2");
    JsonObject effective = ConfigLoader.load(overlay, env);
    assertThat(effective.getJsonObject("fetch").getValue("maxInFlight")).isEqualTo(42);
    assertThat(effective.getJsonObject("host").getValue("delayMs")).isEqualTo(250);

    Settings s = Settings.from(effective);
    assertThat(s.fetch().maxInFlight()).isEqualTo(42);
    assertThat(s.host().delayMs()).isEqualTo(250);
    assertThat(s.fetch().allowNetworks()).containsExactly("10.0.0.0/8", "127.0.0.0/8");
    assertThat(s.fetch().userAgent()).isEqualTo("agent/2");
  }

  @Test
  @DisplayName("the overlay overrides defaults key by key, leaving the section's other keys alone")
  void overlayMergesDeep() {
    Settings s = Settings.load(new JsonObject().put("fetch", new JsonObject().put("maxRedirects", 2)), Map.of());
    assertThat(s.fetch().maxRedirects()).isEqualTo(2);
    assertThat(s.fetch().maxInFlight()).isEqualTo(256);
    assertThat(s.fetch().maxAttempts()).isEqualTo(3);
  }

  @Test
  @DisplayName("environment variables that name no key, or lack the prefix, change nothing")
  void unrelatedEnv() {
    JsonObject effective = ConfigLoader.load(new JsonObject(),
        Map.of("FETCHBUS_NO_SUCH_KEY", "1", "FETCH_MAX_IN_FLIGHT", "7", "PATH", "/usr/bin"));
    assertThat(effective).isEqualTo(ConfigLoader.defaults());
  }

  @Test
  @DisplayName("the experiments' switches default to the techniques on, and a bad one names its variable")
  void tuningSwitches() {
    Settings defaults = Settings.load(new JsonObject(), Map.of());
    assertThat(defaults.tuning()).isEqualTo(new Settings.Tuning("single-flight", "node", "stream", false, 0));
    Settings switched = Settings.load(new JsonObject(), Map.of("FETCHBUS_TUNING_CACHE_MODE", "plain",
        "FETCHBUS_TUNING_PG_POOL", "verticle", "FETCHBUS_TUNING_INGEST", "whole",
        "FETCHBUS_TUNING_CPU_ON_EVENT_LOOP", "true", "FETCHBUS_TUNING_EVENT_LOOPS", "1"));
    assertThat(switched.tuning().pgPoolPerVerticle()).isTrue();
    assertThat(switched.tuning().wholeBodyIngest()).isTrue();
    assertThat(switched.tuning().cpuOnEventLoop()).isTrue();
    assertThat(ClusterSetup.vertxOptions(switched).getEventLoopPoolSize()).isEqualTo(1);
    assertThatThrownBy(() -> Settings.load(new JsonObject(), Map.of("FETCHBUS_TUNING_CACHE_MODE", "lru")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FETCHBUS_TUNING_CACHE_MODE")
        .hasMessageContaining("single-flight");
  }

  @Test
  @DisplayName("a value of the wrong type fails at load, naming the variable and the value")
  void coercionErrorNamesVariable() {
    assertThatThrownBy(() -> ConfigLoader.load(new JsonObject(), Map.of("FETCHBUS_FETCH_MAX_IN_FLIGHT", "lots")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FETCHBUS_FETCH_MAX_IN_FLIGHT")
        .hasMessageContaining("lots");
    assertThatThrownBy(() -> ConfigLoader.load(new JsonObject(), Map.of("FETCHBUS_HOST_DELAY_MS", "1.5")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FETCHBUS_HOST_DELAY_MS");
  }

  @Test
  @DisplayName("an overlay value given as text is coerced like an environment variable, or refused naming the key")
  void overlayTextIsCoerced() {
    JsonObject overlay = new JsonObject().put("fetch", new JsonObject().put("maxInFlight", "7"));
    assertThat(ConfigLoader.load(overlay, Map.of()).getJsonObject("fetch").getInteger("maxInFlight")).isEqualTo(7);
    JsonObject bad = new JsonObject().put("fetch", new JsonObject().put("maxInFlight", "seven"));
    assertThatThrownBy(() -> ConfigLoader.load(bad, Map.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FETCHBUS_FETCH_MAX_IN_FLIGHT");
    JsonObject notASection = new JsonObject().put("fetch", 3);
    assertThatThrownBy(() -> ConfigLoader.load(notASection, Map.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'fetch'");
  }

  @Test
  @DisplayName("an out-of-range value fails validation, naming the key and its variable")
  void validationNamesVariable() {
    assertThatThrownBy(() -> Settings.load(new JsonObject(), Map.of("FETCHBUS_FETCH_MAX_IN_FLIGHT", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fetch.maxInFlight")
        .hasMessageContaining("FETCHBUS_FETCH_MAX_IN_FLIGHT");
  }

  @Test
  @DisplayName("unknown overlay keys are ignored, at the top level and inside sections")
  void unknownOverlayKeysIgnored() {
    JsonObject overlay = new JsonObject()
        .put("bogus", new JsonObject().put("x", 1))
        .put("fetch", new JsonObject().put("maxInFligth", 1).put("maxInFlight", 9));
    JsonObject effective = ConfigLoader.load(overlay, Map.of());
    assertThat(effective.containsKey("bogus")).isFalse();
    assertThat(effective.getJsonObject("fetch").containsKey("maxInFligth")).isFalse();
    assertThat(effective.getJsonObject("fetch").getInteger("maxInFlight")).isEqualTo(9);
    assertThat(effective.fieldNames()).containsExactlyInAnyOrderElementsOf(ConfigLoader.defaults().fieldNames());
    assertThat(Settings.from(effective).fetch().maxInFlight()).isEqualTo(9);
  }

  @Test
  @DisplayName("loading does not change the defaults the next load starts from")
  void defaultsStayPristine() {
    ConfigLoader.load(new JsonObject().put("fetch", new JsonObject().put("maxInFlight", 1)),
        Map.of("FETCHBUS_HOST_DELAY_MS", "9"));
    Settings s = Settings.load(new JsonObject(), Map.of());
    assertThat(s.fetch().maxInFlight()).isEqualTo(256);
    assertThat(s.host().delayMs()).isZero();
    assertThat(s.fetch().allowNetworks()).isEmpty();
  }

  @Test
  @DisplayName("the profiling and event-loop probe keys have defaults and environment overrides")
  void metricsKeys() {
    Settings defaults = Settings.load(new JsonObject(), Map.of());
    assertThat(defaults.metrics()).isEqualTo(new Settings.Metrics(60, 100, 100));
    Settings s = Settings.load(new JsonObject(), Map.of("FETCHBUS_METRICS_PROFILE_MAX_SECONDS", "5",
        "FETCHBUS_METRICS_LOOP_PROBE_MS", "50", "FETCHBUS_METRICS_LOOP_BLOCKED_MS", "0"));
    assertThat(s.metrics()).isEqualTo(new Settings.Metrics(5, 50, 0));
    assertThatThrownBy(() -> Settings.load(new JsonObject(), Map.of("FETCHBUS_METRICS_LOOP_PROBE_MS", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FETCHBUS_METRICS_LOOP_PROBE_MS");
  }

  @Test
  @DisplayName("every overlay in conf/ (such as conf/api.json, which the docs use) names only known keys and loads")
  void shippedOverlaysLoad() throws Exception {
    try (var files = Files.list(Path.of("conf"))) {
      List<Path> overlays = files.filter(f -> f.toString().endsWith(".json"))
          .filter(f -> !f.getFileName().toString().equals("fetchbus.json")).toList();
      assertThat(overlays).extracting(f -> f.getFileName().toString()).contains("api.json");
      for (Path overlay : overlays) {
        JsonObject json = new JsonObject(Files.readString(overlay));
        assertThat(onlyKnownKeys(json, ConfigLoader.defaults())).as("keys of %s", overlay).isTrue();
        Settings.load(json, Map.of());
      }
    }
  }

  @Test
  @DisplayName("pinned variables win over the environment and the overlay, for every later Settings.load")
  void pinnedVariablesWin() {
    String before = Settings.load(new JsonObject()).dataDir();
    try {
      ConfigLoader.pin(Map.of("FETCHBUS_HTTP_PORT", "18123", "FETCHBUS_DATA_DIR", "/tmp/pinned"));
      Settings pinned = Settings.load(new JsonObject().put("http", new JsonObject().put("port", 9999)));
      assertThat(pinned.http().port()).isEqualTo(18123);
      assertThat(pinned.dataDir()).isEqualTo("/tmp/pinned");
      assertThat(ConfigLoader.environment()).containsAllEntriesOf(System.getenv().entrySet().stream()
          .filter(e -> !e.getKey().equals("FETCHBUS_HTTP_PORT") && !e.getKey().equals("FETCHBUS_DATA_DIR"))
          .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    } finally {
      ConfigLoader.pin(Map.of());
    }
    assertThat(Settings.load(new JsonObject()).dataDir()).isEqualTo(before);
  }

  private static boolean onlyKnownKeys(JsonObject overlay, JsonObject defaults) {
    return overlay.fieldNames().stream().allMatch(key -> defaults.containsKey(key)
        && (!(overlay.getValue(key) instanceof JsonObject sub) || onlyKnownKeys(sub, defaults.getJsonObject(key))));
  }
}
