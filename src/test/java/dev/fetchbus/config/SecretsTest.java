package dev.fetchbus.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Masking secrets in printed configuration")
class SecretsTest {

  @Test
  @DisplayName("masks values of keys named like secrets, at any depth, and leaves the rest as it was")
  void secretKeys() {
    JsonObject config = new JsonObject()
        .put("admin", new JsonObject().put("key", "s3cr3t-admin"))
        .put("api", new JsonObject().put("authToken", "tok").put("clientSecret", "cs").put("dbPassword", "pw")
            .put("nested", new JsonObject().put("apiKey", "k")))
        .put("fetch", new JsonObject().put("maxInFlight", 256).put("userAgent", "fetchbus/0.1"));
    JsonObject masked = Secrets.masked(config);

    assertThat(masked.getJsonObject("admin").getString("key")).isEqualTo("****");
    assertThat(masked.getJsonObject("api").getString("authToken")).isEqualTo("****");
    assertThat(masked.getJsonObject("api").getString("clientSecret")).isEqualTo("****");
    assertThat(masked.getJsonObject("api").getString("dbPassword")).isEqualTo("****");
    assertThat(masked.getJsonObject("api").getJsonObject("nested").getString("apiKey")).isEqualTo("****");
    assertThat(masked.getJsonObject("fetch").getInteger("maxInFlight")).isEqualTo(256);
    assertThat(masked.getJsonObject("fetch").getString("userAgent")).isEqualTo("fetchbus/0.1");
    assertThat(masked.encode()).doesNotContain("s3cr3t-admin", "tok\"", "\"cs\"", "\"pw\"", "\"k\"");
  }

  @Test
  @DisplayName("does not change the configuration it was given")
  void doesNotMutate() {
    JsonObject config = new JsonObject().put("admin", new JsonObject().put("key", "s3cr3t"));
    Secrets.masked(config);
    assertThat(config.getJsonObject("admin").getString("key")).isEqualTo("s3cr3t");
  }

  @Test
  @DisplayName("an empty secret stays empty, so the output still shows it is unset")
  void emptySecret() {
    assertThat(Secrets.masked(new JsonObject().put("key", "")).getString("key")).isEmpty();
  }

  @Test
  @DisplayName("masks the password in a URI's user info, keeping the user, host and database")
  void uriPassword() {
    JsonObject masked = Secrets.masked(new JsonObject().put("pg",
        new JsonObject().put("url", "postgresql://fetchbus:hunter2@db.internal:5432/fetchbus").put("poolSize", 16)));
    assertThat(masked.getJsonObject("pg").getString("url"))
        .isEqualTo("postgresql://fetchbus:****@db.internal:5432/fetchbus");
  }

  @Test
  @DisplayName("leaves URIs without a password as they are")
  void uriWithoutPassword() {
    Map.of("a", "postgresql://fetchbus@db:5432/fetchbus", "b", "http://example.com/path?x=1", "c", "postgresql://db/x")
        .forEach((key, uri) -> assertThat(Secrets.masked(new JsonObject().put(key, uri)).getString(key))
            .isEqualTo(uri));
  }

  @ParameterizedTest(name = "never prints the password of {0}")
  @ValueSource(strings = {
      "postgresql://fetchbus:hunter2@db:5432/fetchbus",
      "postgresql://fetchbus:hun@ter2@db:5432/fetchbus",
      "postgresql://fetchbus:hunter2@my_db:5432/fetchbus",
      "postgresql://fetchbus:hun/ter2@db:5432/fetchbus",
      "postgresql://fetchbus:hun ter2@db:5432/fetchbus",
      "postgresql://fetchbus:hun%zzter2@db:5432/fetchbus",
      "postgresql://db:5432/fetchbus?user=fetchbus&password=hunter2",
      "postgresql://db:5432/fetchbus?password=hunter2&sslmode=require",
  })
  void neverLeaksPassword(String uri) {
    String printed = Secrets.masked(new JsonObject().put("url", uri)).getString("url");
    assertThat(printed).doesNotContain("hunter2").doesNotContain("ter2");
  }
}
