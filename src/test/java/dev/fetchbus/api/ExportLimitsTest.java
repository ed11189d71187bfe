package dev.fetchbus.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Exports whose clients stop reading hold only their slot: no database connection between pages,
 * so another user's export starts at once, and one user cannot run more than its share.
 */
@DisplayName("Exports: stalled readers hold no database connection, and each user has a cap")
class ExportLimitsTest {
  private static OriginServer origin;
  private static TestNode node;
  private static String aliceKey;
  private static ApiClient alice;
  private static ApiClient bob;
  private static long aliceJob;
  private static long bobJob;

  @BeforeAll
  static void start() {
    origin = OriginServer.start();
    node = TestNode.start(new JsonObject().put("pg", new JsonObject().put("exportPoolSize", 2)));
    aliceKey = node.admin().postJson("/v1/users", new JsonObject().put("name", "alice")).json().getString("key");
    alice = node.withKey(aliceKey);
    bob = node.newUser("bob");
    // 40 random bodies of 400 KB: a WARC of 16 MB even gzipped, more than the sockets hold, so an
    // unread export stalls (zeros would compress to almost nothing and the exports would just end)
    aliceJob = alice.submit(IntStream.range(0, 40).mapToObj(i -> origin.url("/random/" + (400_000 + i))).toList(),
        "robots=false&maxBodyBytes=1000000").getLong("id");
    alice.awaitState(aliceJob, "done", Duration.ofMinutes(1));
    bobJob = bob.submit(List.of(origin.url("/page/1"), origin.url("/page/2")), "robots=false").getLong("id");
    bob.awaitState(bobJob, "done", Duration.ofMinutes(1));
  }

  @AfterAll
  static void stop() {
    node.close();
    origin.close();
  }

  /** Asks for the job's WARC over a raw connection and never reads the answer. */
  private static Socket stalledExport() throws IOException {
    Socket socket = new Socket("127.0.0.1", node.port());
    socket.setReceiveBufferSize(4096);
    socket.getOutputStream()
        .write(("GET /v1/jobs/" + aliceJob + "/warc HTTP/1.1\r\nHost: fetchbus\r\nAuthorization: Bearer "
        + aliceKey + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    return socket;
  }

  @Test
  @DisplayName(
      "three stalled exports: another user's export runs, the same user's fourth gets 429, and a slot frees on close")
  void stalledExports() throws IOException {
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        stalled.add(stalledExport());
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> alice.get("/v1/jobs/" + aliceJob + "/cdx").status() == 429);
      ApiClient.Response refused = alice.get("/v1/jobs/" + aliceJob + "/results");
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.json().getString("error")).isEqualTo("too_many_exports");
      assertThat(refused.header("Retry-After")).isEqualTo("1");

      ApiClient.Response other = bob.get("/v1/jobs/" + bobJob + "/results");
      assertThat(other.status()).as("another user's export, with a pool of 2 and 3 stalled exports").isEqualTo(200);
      assertThat(other.ndjson()).hasSize(2);
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> alice.get("/v1/jobs/" + aliceJob + "/results").status() == 200);
  }
}
