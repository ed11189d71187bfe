package dev.fetchbus.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Uploads: blank lines cost nothing, and lines and decompressed bytes are capped with 413")
class UploadLimitsTest {
  private static TestNode node;
  private static ApiClient user;
  private static String key;

  @BeforeAll
  static void start() {
    node = TestNode.start(new JsonObject().put("http", new JsonObject().put("maxUploadLines", 200_000)
        .put("maxUploadBytes", 1_000_000)));
    key = node.admin().postJson("/v1/users", new JsonObject().put("name", "uploader")).json().getString("key");
    user = node.withKey(key);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static HttpResponse<String> gzipUpload(String text) throws Exception {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
      gzip.write(text.getBytes(StandardCharsets.UTF_8));
    }
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/v1/jobs"))
        .header("Authorization", "Bearer " + key).header("Content-Type", "text/plain")
        .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray())).build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("blank and comment lines are skipped, and a rejected line keeps its line number in the upload")
  void blankLinesSkipped() throws Exception {
    String text = "\n".repeat(150_000) + "# a comment\nhtp:/not-a-url\n" + "  \t\n".repeat(10) + "\n";
    HttpResponse<String> created = gzipUpload(text);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject job = new JsonObject(created.body());
    assertThat(job.getLong("accepted")).isZero();
    assertThat(job.getLong("rejected")).isEqualTo(1);
    assertThat(job.getJsonArray("rejectedSamples").getJsonObject(0).getLong("line")).isEqualTo(150_002);
  }

  @Test
  @DisplayName("an upload of more lines than http.maxUploadLines is refused with 413 naming the limit")
  void tooManyLines() throws Exception {
    HttpResponse<String> refused = gzipUpload("\n".repeat(200_001));
    assertThat(refused.statusCode()).isEqualTo(413);
    assertThat(new JsonObject(refused.body()).getString("message")).contains("200000 lines", "http.maxUploadLines");
  }

  @Test
  @DisplayName("an upload that decompresses past http.maxUploadBytes is refused with 413 naming the limit")
  void tooManyBytes() throws Exception {
    HttpResponse<String> refused = gzipUpload(("http://127.0.0.1:1/" + "a".repeat(1000) + "\n").repeat(1100));
    assertThat(refused.statusCode()).isEqualTo(413);
    assertThat(new JsonObject(refused.body()).getString("message")).contains("1000000 bytes", "http.maxUploadBytes");
  }

  @Test
  @DisplayName("a line of binary (NUL included) is rejected with a sample PostgreSQL can keep, not a 500")
  void binaryLine() throws Exception {
    HttpResponse<String> created = gzipUpload("\u0000\u0001\u00ffjunk\n");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject job = new JsonObject(created.body());
    assertThat(job.getLong("rejected")).isEqualTo(1);
    assertThat(job.getJsonArray("rejectedSamples").getJsonObject(0).getString("input")).contains("\uFFFD")
        .doesNotContain("\u0000");
  }
}
