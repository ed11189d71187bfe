package dev.fetchbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.NodeLives;
import dev.fetchbus.support.NodeProcess;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue #11's export drill against the packaged jar: one user opens four exports and reads none of
 * them. Another user's export must still start at once; the stalled ones are cut off after
 * {@code http.exportStallSeconds} without their clients doing anything, and give their slots back.
 */
@DisplayName("Four stalled exports: another user's export starts within a second, and the stalled ones are cut off")
class StalledExportsIT {
  private static final int STALL_SECONDS = 3;
  private static final Pattern CUT_OFF = Pattern.compile("Export cut off.*?(\\d+) bytes queued, (\\d+) taken");

  @Test
  @DisplayName(
      "four unread WARC exports of one user: another user's export "
          + "answers in under a second; slots come back on their own")
  void stalledExportsBlockNobody() throws Exception {
    Vertx vertx = Vertx.vertx();
    // random bodies: a WARC is gzip-compressed, and zeros would shrink to nothing
    HttpServer origin = TestNode.await(vertx.createHttpServer().requestHandler(req -> {
      byte[] body = new byte[req.path().startsWith("/random/") ? 2_000_000 : 100];
      new Random(req.path().hashCode()).nextBytes(body);
      req.response().putHeader("Content-Type", "application/octet-stream").end(Buffer.buffer(body));
    }).listen(0, "127.0.0.1"));
    try (NodeLives lives = new NodeLives("stalled-exports-it")) {
      lives.run(() -> drill("http://127.0.0.1:" + origin.actualPort(), lives));
    } finally {
      TestNode.await(vertx.close());
    }
  }

  private void drill(String origin, NodeLives lives) throws Exception {
    int port = TestNode.freePort();
    NodeProcess node =
        lives.start(1, port, Map.of("FETCHBUS_HTTP_EXPORT_STALL_SECONDS", String.valueOf(STALL_SECONDS)));
    ApiClient admin = ApiClient.of(port, NodeLives.ADMIN_KEY);
    String aliceKey = admin.postJson("/v1/users", new JsonObject().put("name", "alice")).json().getString("key");
    String bobKey = admin.postJson("/v1/users", new JsonObject().put("name", "bob")).json().getString("key");
    ApiClient alice = ApiClient.of(port, aliceKey);
    ApiClient bob = ApiClient.of(port, bobKey);
    // 40 random bodies of 2 MB: a WARC of 80 MB, far more than the sockets hold, so an unread export stalls
    long aliceJob = alice.submit(IntStream.range(0, 40).mapToObj(i -> origin + "/random/" + i).toList(),
        "robots=false&maxBodyBytes=4000000").getLong("id");
    long bobJob = bob.submit(List.of(origin + "/page/1", origin + "/page/2"), "robots=false").getLong("id");
    alice.awaitState(aliceJob, "done", Duration.ofMinutes(2));
    bob.awaitState(bobJob, "done", Duration.ofMinutes(2));

    List<Socket> stalled = new ArrayList<>();
    try {
      // one at a time, each answered before the next: 3 exports take the user's 3 slots, the 4th gets
      // 429. (Probing with another export of alice's while they started could take a slot from one.)
      List<String> statuses = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Socket socket = stalledWarc(port, aliceJob, aliceKey);
        stalled.add(socket);
        statuses.add(statusLine(socket)); // a few bytes read: the 200s stall all the same
      }
      System.out.println("StalledExportsIT: the four exports answered " + statuses);
      assertThat(statuses.stream().filter(status -> status.contains(" 200 "))).as("exports running").hasSize(3);
      assertThat(statuses.stream().filter(status -> status.contains(" 429 "))).as("exports refused").hasSize(1);
      assertThat(alice.get("/v1/jobs/" + aliceJob + "/cdx").status()).as("alice's slots are all held").isEqualTo(429);

      HttpClient client = HttpClient.newHttpClient();
      HttpRequest bobExport =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/jobs/" + bobJob + "/results"))
          .header("Authorization", "Bearer " + bobKey).timeout(Duration.ofSeconds(1)).build();
      HttpResponse<String> answer = client.send(bobExport, HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as("bob's export, within its 1 s timeout, beside 4 stalled exports")
          .isEqualTo(200);
      assertThat(answer.body().lines()).hasSize(2);

      // nobody closes the stalled sockets: the node cuts all three off, and the slots come back
      await().atMost(Duration.ofSeconds(STALL_SECONDS * 10L))
          .until(() -> node.log().split("Export cut off", -1).length - 1 >= 3);
      // a page of bodies is at most 4 MiB (two 2 MB bodies here): each export held one page that
      // the socket had not taken, not the 16 pages Vert.x's message-counted write queue allows
      Matcher cut = CUT_OFF.matcher(node.log());
      while (cut.find()) {
        long held = Long.parseLong(cut.group(1)) - Long.parseLong(cut.group(2));
        System.out.println("StalledExportsIT: " + cut.group());
        assertThat(held).as("bytes a stalled export held that its socket had not taken").isLessThan(6_000_000L);
      }
      assertThat(alice.get("/v1/jobs/" + aliceJob + "/cdx").status()).isEqualTo(200);
      for (int i = 0; i < stalled.size(); i++) {
        if (statuses.get(i).contains(" 200 ")) {
          assertThat(drainsToTheEnd(stalled.get(i))).as("a stalled export's connection was closed by the node")
              .isTrue();
        }
      }
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
    }
  }

  /** Asks for the WARC over a raw connection with a tiny receive buffer and reads none of it. */
  private static Socket stalledWarc(int port, long jobId, String key) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress("127.0.0.1", port));
    socket.getOutputStream()
        .write(("GET /v1/jobs/" + jobId + "/warc HTTP/1.1\r\nHost: fetchbus\r\nAuthorization: Bearer "
        + key + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    return socket;
  }

  private static String statusLine(Socket socket) throws IOException {
    socket.setSoTimeout(10_000);
    StringBuilder line = new StringBuilder();
    InputStream in = socket.getInputStream();
    for (int c = in.read(); c >= 0 && c != '\n' && line.length() < 200; c = in.read()) {
      line.append((char) c);
    }
    return line.toString();
  }

  /** Reads what the node had sent until the connection ends; true when it ended (EOF or reset) within the bound. */
  private static boolean drainsToTheEnd(Socket socket) throws IOException {
    socket.setSoTimeout(10_000);
    byte[] buffer = new byte[64 * 1024];
    InputStream in = socket.getInputStream();
    long read = 0;
    try {
      for (int i = 0; i < 10_000; i++) { // at most 640 MB: far more than the 16 MB export
        int n = in.read(buffer);
        if (n < 0) {
          System.out.println("StalledExportsIT: connection ended after " + read + " bytes");
          return true;
        }
        read += n;
      }
      return false;
    } catch (SocketException reset) {
      System.out.println("StalledExportsIT: connection reset after " + read + " bytes");
      return true;
    } catch (SocketTimeoutException stillOpen) {
      System.out.println("StalledExportsIT: connection still open after " + read + " bytes");
      return false;
    }
  }
}
