package dev.fetchbus.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Uploading URL lists: compressed, streamed, CRLF and duplicates")
class IngestStreamingTest {
  /**
   * Job options for uploads that must not really be fetched: one fetch at a time and a minute
   * between fetches. Their URLs name the host "localhost" (still the loopback origin), so this
   * delay, which is per host, never holds back the jobs here that fetch from 127.0.0.1.
   */
  private static final String NO_FETCHING = "hostConcurrency=1&hostDelayMs=60000";
  private static OriginServer origin;
  private static TestNode node;
  private static ApiClient user;
  private static String key;

  @BeforeAll
  static void start() {
    origin = OriginServer.start();
    node = TestNode.start();
    key = node.admin().postJson("/v1/users", new JsonObject().put("name", "uploader")).json().getString("key");
    user = node.withKey(key);
  }

  @AfterAll
  static void stop() {
    node.close();
    origin.close();
  }

  @Test
  @DisplayName("a gzip-encoded text/plain upload is decompressed, and its URLs are fetched")
  void gzipText() throws IOException {
    List<String> urls = IntStream.range(0, 20).mapToObj(i -> origin.url("/page/gz" + i)).toList();
    ApiClient.Response r = TestHttp.send(TestHttp.request(node.port(), "/v1/jobs", key)
        .header("Content-Type", "text/plain")
        .header("Content-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(String.join("\n", urls) + "\n"))));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.json().getLong("accepted")).isEqualTo(20);
    assertThat(r.json().getLong("rejected")).as("no line of compressed bytes").isZero();

    long id = r.json().getLong("id");
    user.awaitState(id, "done", Duration.ofSeconds(60));
    assertThat(user.get("/v1/jobs/" + id + "/results").ndjson()).extracting(rec -> rec.getString("url"))
        .containsExactlyInAnyOrderElementsOf(urls);
  }

  @Test
  @DisplayName("a gzip-encoded JSON job is decompressed too")
  void gzipJson() throws IOException {
    JsonArray urls = new JsonArray();
    IntStream.range(0, 5).forEach(i -> urls.add(origin.url("/page/gzjson" + i)));
    ApiClient.Response r = TestHttp.send(TestHttp.request(node.port(), "/v1/jobs", key)
        .header("Content-Type", "application/json")
        .header("Content-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(new JsonObject().put("urls", urls).encode()))));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.json().getLong("accepted")).isEqualTo(5);
    user.awaitState(r.json().getLong("id"), "done", Duration.ofSeconds(60));
  }

  @Test
  @DisplayName("a 50,000-line upload streamed with no length is accepted in full")
  void fiftyThousandLinesStreamed() throws Exception {
    int lines = 50_000;
    ApiClient.Response r = TestHttp.send(TestHttp.request(node.port(), "/v1/jobs?" + NO_FETCHING, key)
        .header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedLines(lines,
            i -> "http://localhost:" + origin.port() + "/page/stream" + i + "\n"))));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonObject created = r.json();
    long id = created.getLong("id");
    try {
      assertThat(created.getLong("accepted")).isEqualTo(lines);
      assertThat(created.getLong("duplicates")).isZero();
      assertThat(created.getLong("rejected")).isZero();
      assertThat(user.get("/v1/jobs/" + id).json().getLong("accepted")).isEqualTo(lines);
      assertThat(frontierRows(id)).as("every line is a frontier row").isEqualTo(lines);
    } finally {
      assertThat(user.delete("/v1/jobs/" + id).status()).isEqualTo(200);
    }
    assertThat(origin.hits("/page/stream")).as("the job was not fetched in bulk").isLessThanOrEqualTo(2);
  }

  @Test
  @DisplayName("CRLF line endings are handled: no line keeps a carriage return")
  void crlfLines() {
    List<String> urls = IntStream.range(0, 4).mapToObj(i -> origin.url("/page/crlf" + i)).toList();
    // CRLF, a bare LF, a blank CRLF line, and a last line with no line ending at all
    String body = urls.get(0) + "\r\n" + urls.get(1) + "\r\n\r\n" + urls.get(2) + "\n" + urls.get(3);
    ApiClient.Response r = user.post("/v1/jobs", "text/plain", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.json().getLong("accepted")).isEqualTo(4);
    assertThat(r.json().getLong("rejected")).isZero();
    assertThat(r.json().getLong("duplicates")).isZero();

    long id = r.json().getLong("id");
    user.awaitState(id, "done", Duration.ofSeconds(60));
    List<JsonObject> records = user.get("/v1/jobs/" + id + "/results").ndjson();
    assertThat(records).extracting(rec -> rec.getString("url")).containsExactlyInAnyOrderElementsOf(urls);
    assertThat(records).allSatisfy(rec -> assertThat(rec.getInteger("status")).isEqualTo(200));
  }

  @Test
  @DisplayName("duplicate lines are counted, within a batch, across batches, and after normalisation")
  void duplicatesCounted() throws Exception {
    String base = "http://localhost:" + origin.port() + "/page/dup";
    StringBuilder body = new StringBuilder();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 1000; i++) {
        body.append(base).append(i).append("\r\n");
      }
    }
    body.append(base).append("0#fragment\n").append("HTTP://LOCALHOST:").append(origin.port()).append("/page/dup1\n")
        .append("  ").append(base).append("2  \n");
    ApiClient.Response r = user.post("/v1/jobs?" + NO_FETCHING, "text/plain", body.toString());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    long id = r.json().getLong("id");
    try {
      assertThat(r.json().getLong("accepted")).isEqualTo(1000);
      assertThat(r.json().getLong("duplicates")).isEqualTo(2003);
      assertThat(r.json().getLong("rejected")).isZero();
      JsonObject job = user.get("/v1/jobs/" + id).json();
      assertThat(job.getLong("accepted")).isEqualTo(1000);
      assertThat(job.getLong("duplicates")).isEqualTo(2003);
      assertThat(frontierRows(id)).isEqualTo(1000);
    } finally {
      user.delete("/v1/jobs/" + id);
    }
  }

  private static long frontierRows(long jobId) throws Exception {
    try (Connection conn = TestDatabase.connect(node.databaseUrl());
        PreparedStatement st = conn.prepareStatement("select count(*) from frontier where job_id = ?")) {
      st.setLong(1, jobId);
      try (ResultSet rows = st.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  /** An input stream that makes its lines as they are read, so the upload never exists in memory whole. */
  private static final class GeneratedLines extends InputStream {
    private final int count;
    private final IntFunction<String> line;
    private int next;
    private byte[] current = new byte[0];
    private int position;

    GeneratedLines(int count, IntFunction<String> line) {
      this.count = count;
      this.line = line;
    }

    @Override
    public int read() {
      if (!fill()) {
        return -1;
      }
      return current[position++] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (length == 0) {
        return 0;
      }
      int written = 0;
      while (written < length && fill()) {
        int n = Math.min(length - written, current.length - position);
        System.arraycopy(current, position, buffer, offset + written, n);
        position += n;
        written += n;
      }
      return written == 0 ? -1 : written;
    }

    private boolean fill() {
      while (position >= current.length) {
        if (next >= count) {
          return false;
        }
        current = line.apply(next++).getBytes(StandardCharsets.UTF_8);
        position = 0;
      }
      return true;
    }
  }
}
