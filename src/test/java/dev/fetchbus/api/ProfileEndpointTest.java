package dev.fetchbus.api;

import static dev.fetchbus.api.TestHttp.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jdk.jfr.FlightRecorder;
import jdk.jfr.RecordingState;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("POST /v1/admin/profile: an on-demand JFR profile of the node, for admins")
class ProfileEndpointTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(new JsonObject().put("metrics", new JsonObject().put("profileMaxSeconds", 5)));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  @DisplayName("the summary counts execution samples and names the busy method, by top frame and on the stack")
  void summaryWhileAWorkerIsBusy() {
    ApiClient.Response r = profileWhileSpinning();
    if (r.status() == 200 && r.json().getInteger("executionSamples") == 0) {
      // once in a while (a loaded machine, right after the fuzz tests loaded Jazzer into this JVM)
      // JFR's sampler takes no sample in 2 s: one more try, and two empty profiles fail the test
      r = profileWhileSpinning();
    }

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    JsonObject summary = r.json();
    assertThat(summary.getInteger("seconds")).isEqualTo(2);
    assertThat(summary.getInteger("executionSamples")).isPositive();
    JsonArray top = summary.getJsonArray("topFrames");
    assertThat(top).isNotEmpty();
    assertThat(top.size()).isLessThanOrEqualTo(30);
    JsonObject hottest = top.getJsonObject(0);
    assertThat(hottest.fieldNames()).contains("method", "samples", "share");
    assertThat(hottest.getDouble("share")).isBetween(0.0, 1.0);
    assertThat(summary.getJsonArray("inclusiveFrames").stream().map(f -> ((JsonObject) f).getString("method")))
        .as("the spinning method is on the stack of many samples")
        .contains(ProfileEndpointTest.class.getName() + ".spin");
    assertThat(summary.getJsonObject("gc").fieldNames()).contains("collections", "pauseTotalMs", "longestPauseMs");
    assertThat(summary.containsKey("cpu")).isTrue();
  }

  private static ApiClient.Response profileWhileSpinning() {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
    node.vertx().executeBlocking(() -> spin(until), false);
    return node.admin().post("/v1/admin/profile?seconds=2", null, "");
  }

  @Test
  @DisplayName("format=jfr streams a recording JFR can parse, and the temporary file is deleted afterwards")
  void rawRecording() throws Exception {
    Path saved = Files.createTempFile("profile-test-", ".jfr");
    Set<Path> before = profileFiles();
    try {
      HttpResponse<Path> r = HTTP.send(TestHttp.request(node.port(), "/v1/admin/profile?seconds=1&format=jfr",
          TestNode.ADMIN_KEY).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofFile(saved));

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
      assertThat(RecordingFile.readAllEvents(saved)).isNotEmpty();
      awaitNoNewProfileFiles(before);
    } finally {
      Files.deleteIfExists(saved);
    }
  }

  @Test
  @DisplayName("a second profile while one runs is refused with 409 profile_running; the first still answers")
  void oneAtATime() throws Exception {
    CompletableFuture<HttpResponse<String>> first = HTTP.sendAsync(TestHttp.request(node.port(),
        "/v1/admin/profile?seconds=2", TestNode.ADMIN_KEY).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    // the node runs in this JVM: its JFR recording running proves the first profile holds the slot
    // (polling the endpoint instead could itself start the profile the first one then is refused)
    await("the first profile's JFR recording to run").atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(20)).until(ProfileEndpointTest::profileRecording);

    assertError(node.admin().post("/v1/admin/profile?seconds=1", null, ""), 409, "profile_running");

    assertThat(first.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName(
      "seconds outside 1..metrics.profileMaxSeconds, or not a number, and unknown formats are refused with 400")
  void badParameters() {
    for (String query : new String[] {"seconds=0", "seconds=6", "seconds=-1", "seconds=abc", "seconds=1.5",
        "format=xml"}) {
      JsonObject error = assertError(node.admin().post("/v1/admin/profile?" + query, null, ""), 400, "bad_request");
      assertThat(error.getString("message")).as(query).containsAnyOf("seconds", "format");
    }
  }

  @Test
  @DisplayName("without a key the answer is 401, and a user who is not an admin gets 403")
  void adminsOnly() {
    assertError(node.anonymous().post("/v1/admin/profile?seconds=1", null, ""), 401, "unauthorized");
    assertError(node.newUser("not-an-admin").post("/v1/admin/profile?seconds=1", null, ""), 403, "forbidden");
  }

  private static long spin(long until) {
    long x = 0;
    while (System.nanoTime() < until) {
      x += Long.numberOfTrailingZeros(x ^ System.nanoTime());
    }
    return x;
  }

  /** Waits until no profile file that was not there {@code before} is left (deletion follows the response). */
  private static void awaitNoNewProfileFiles(Set<Path> before) {
    await("temporary profile files to be deleted").atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
          Set<Path> left = new HashSet<>(profileFiles());
          left.removeAll(before);
          assertThat(left).as("temporary profile files left behind").isEmpty();
        });
  }

  private static boolean profileRecording() {
    return FlightRecorder.getFlightRecorder().getRecordings().stream()
        .anyMatch(r -> "fetchbus-profile".equals(r.getName()) && r.getState() == RecordingState.RUNNING);
  }


  private static Set<Path> profileFiles() throws IOException {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(f -> f.getFileName().toString().startsWith("fetchbus-profile-")).collect(Collectors.toSet());
    }
  }
}
