package dev.fetchbus.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Fetch failures, as a user sees them in a job's results")
class FetchErrorsTest {
  private static final int MAX_BODY = 200_000;
  private static final int MAX_REDIRECTS = 3;
  private static OriginServer origin;
  private static OriginServer untrusted;
  private static TestNode node;
  private static ApiClient user;

  @BeforeAll
  static void start() {
    origin = OriginServer.start();
    untrusted = OriginServer.startUntrustedTls();
    node = TestNode.start(new JsonObject().put("fetch",
        new JsonObject().put("maxAttempts", 1).put("maxRedirects", MAX_REDIRECTS)));
    user = node.newUser("errors");
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    if (untrusted != null) {
      untrusted.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  @Test
  @DisplayName("each kind of failure is recorded with its own error code, once, without retries")
  void eachFailureHasItsCode() {
    String refused = "http://127.0.0.1:" + TestNode.freePort() + "/";
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put(origin.url("/drip"), "timeout");
    expected.put(origin.url("/slow/60000"), "timeout");
    expected.put("http://nonexistent.invalid/", "dns");
    expected.put(refused, "refused");
    expected.put(untrusted.url("/page/tls"), "tls");
    expected.put(origin.url("/large/" + (MAX_BODY + 100_000)), "too_large");
    expected.put(origin.url("/gzip-bomb"), "too_large");
    expected.put(origin.url("/loop/a"), "redirect_loop");
    // OriginServer's /redirect/n answers n + 1 redirects (/redirect/0 still redirects to /page/0):
    // one redirect over the cap fails, exactly the cap is followed
    expected.put(origin.url("/redirect/" + MAX_REDIRECTS), "redirect_loop");
    expected.put(origin.url("/status/404"), "http_status");
    expected.put(origin.url("/status/500"), "http_status");
    expected.put(origin.url("/drop"), "reset");
    String withinCap = origin.url("/redirect/" + (MAX_REDIRECTS - 1));
    expected.put(withinCap, null);

    JsonArray urls = new JsonArray(List.copyOf(expected.keySet()));
    JsonObject options =
        new JsonObject().put("timeoutMs", 3000).put("maxBodyBytes", MAX_BODY).put("hostConcurrency", 16);
    JsonObject created = user.submitJson(urls, options);
    assertThat(created.getLong("accepted")).isEqualTo(expected.size());

    long id = created.getLong("id");
    JsonObject job = user.awaitState(id, "done", Duration.ofSeconds(90));
    assertThat(job.getJsonObject("urls").getLong("failed")).isEqualTo(expected.size() - 1);
    Map<String, JsonObject> records = results(id);
    assertThat(records).containsOnlyKeys(expected.keySet());

    expected.forEach((url, code) -> {
      JsonObject record = records.get(url);
      String actual = record.getJsonObject("error") == null ? null : record.getJsonObject("error").getString("code");
      assertThat(actual).as("error code of %s in %s", url, record).isEqualTo(code);
      assertThat(record.getInteger("attempts")).as("attempts of %s", url).isEqualTo(1);
      if (code != null) {
        assertThat(record.getJsonObject("error").getString("message")).as("message of %s", url).isNotBlank();
      }
    });

    assertThat(records.get(origin.url("/status/404")).getInteger("status")).isEqualTo(404);
    assertThat(records.get(origin.url("/status/500")).getInteger("status")).isEqualTo(500);
    assertThat(records.get(refused).getInteger("status")).isNull();
    assertThat(records.get("http://nonexistent.invalid/").getInteger("status")).isNull();

    JsonObject large = records.get(origin.url("/large/" + (MAX_BODY + 100_000)));
    assertThat(large.getInteger("status")).isEqualTo(200);
    assertThat(large.getBoolean("truncated")).isTrue();
    assertThat(large.getLong("bytes")).isEqualTo(MAX_BODY);
    assertThat(large.getString("contentHash")).hasSize(64);

    // about 64 KiB on the wire, well under the cap: only the decompressed bytes can exceed it
    JsonObject bomb = records.get(origin.url("/gzip-bomb"));
    assertThat(bomb.getBoolean("truncated")).isTrue();
    assertThat(bomb.getLong("bytes")).isEqualTo(MAX_BODY);

    JsonObject followed = records.get(withinCap);
    assertThat(followed.getInteger("status")).isEqualTo(200);
    assertThat(followed.getString("finalUrl")).isEqualTo(origin.url("/page/0"));
    assertThat(followed.getInteger("redirects")).isEqualTo(MAX_REDIRECTS);
    assertThat(followed.getString("title")).isEqualTo("Page 0");
    assertThat(followed.getBoolean("truncated")).isFalse();

    // maxAttempts 1: retryable failures were not tried again
    assertThat(origin.hits("/status/500")).isEqualTo(1);
    assertThat(origin.hits("/drop")).isEqualTo(1);
    assertThat(origin.hits("/drip")).isEqualTo(1);
    assertThat(origin.hits("/loop/a")).isEqualTo(1);
  }

  @Test
  @DisplayName("a retryable status is attempted fetch.maxAttempts times, and the record counts the attempts")
  void retryableStatusIsRetried() {
    try (OriginServer flaky = OriginServer.start(); TestNode retrying = TestNode.start(
        new JsonObject().put("fetch", new JsonObject().put("maxAttempts", 3)))) {
      ApiClient client = retrying.newUser("retries");
      long id = client.submit(List.of(flaky.url("/status/503"), flaky.url("/status/404")), null).getLong("id");
      client.awaitState(id, "done", Duration.ofSeconds(60));
      Map<String, JsonObject> records = results(client, id);

      JsonObject unavailable = records.get(flaky.url("/status/503"));
      assertThat(unavailable.getJsonObject("error").getString("code")).isEqualTo("http_status");
      assertThat(unavailable.getInteger("status")).isEqualTo(503);
      assertThat(unavailable.getInteger("attempts")).isEqualTo(3);
      assertThat(flaky.hits("/status/503")).isEqualTo(3);

      // a 404 is the page's real answer: one attempt only
      assertThat(records.get(flaky.url("/status/404")).getInteger("attempts")).isEqualTo(1);
      assertThat(flaky.hits("/status/404")).isEqualTo(1);
    }
  }

  private static Map<String, JsonObject> results(long id) {
    return results(user, id);
  }

  private static Map<String, JsonObject> results(ApiClient client, long id) {
    return client.get("/v1/jobs/" + id + "/results").ndjson().stream()
        .collect(Collectors.toMap(r -> r.getString("url"), Function.identity()));
  }
}
