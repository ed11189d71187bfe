package dev.fetchbus.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Exports that carry bodies read them a few megabytes at a time (PageTable.BODY_PAGE_BYTES), so a
 * page of records holds fewer rows than asked for: the export must still run to the job's end.
 */
@DisplayName("Exports of large bodies are paged by bytes and still complete")
class LargeExportTest {
  private static final int PAGES = 12;
  private static final int BODY = 1_000_000;
  private static final Vertx origin = Vertx.vertx();
  private static TestNode node;
  private static ApiClient user;
  private static long jobId;

  @BeforeAll
  static void start() {
    HttpServer server = TestNode.await(origin.createHttpServer().requestHandler(req -> {
      byte[] body = new byte[BODY];
      new Random(req.path().hashCode()).nextBytes(body); // incompressible: 12 MB stored, three pages' worth
      req.response().putHeader("Content-Type", "text/html").end(Buffer.buffer(body));
    }).listen(0, "127.0.0.1"));
    node = TestNode.start();
    user = node.newUser("large-exports");
    List<String> urls = IntStream.range(0, PAGES).mapToObj(i -> "http://127.0.0.1:" + server.actualPort() + "/r/" + i)
        .toList();
    jobId = user.submit(urls, "robots=false").getLong("id");
    user.awaitState(jobId, "done", Duration.ofMinutes(1));
  }

  @AfterAll
  static void stop() {
    node.close();
    TestNode.await(origin.close());
  }

  @Test
  @DisplayName("the WARC of 12 MB of incompressible bodies has all 12 responses, each whole")
  void warcHasEveryRecord() throws IOException {
    ApiClient.Bytes warc = user.getBytes("/v1/jobs/" + jobId + "/warc");
    assertThat(warc.status()).isEqualTo(200);
    String text;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(warc.body()))) {
      text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
    Matcher responses = Pattern.compile("WARC-Type: response").matcher(text);
    int count = 0;
    while (responses.find()) {
      count++;
    }
    assertThat(count).isEqualTo(PAGES);
    assertThat(text.length()).as("every body whole").isGreaterThan(PAGES * BODY);
  }

  @Test
  @DisplayName("results with the html field and the CDXJ index list all 12 records")
  void resultsAndCdxHaveEveryRecord() {
    List<JsonObject> rows = user.get("/v1/jobs/" + jobId + "/results?fields=html").ndjson();
    assertThat(rows).hasSize(PAGES);
    assertThat(user.get("/v1/jobs/" + jobId + "/cdx").body().lines().filter(l -> l.contains("\"status\": \"200\"")
        || l.contains("\"status\":\"200\"")).count()).isEqualTo(PAGES);
  }
}
