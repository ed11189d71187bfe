package dev.fetchbus.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The API's connections: a header timeout and a cap per client address")
class ConnectionLimitsTest {
  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(new JsonObject().put("http", new JsonObject().put("headerTimeoutMs", 500)
        .put("maxConnectionsPerIp", 3)));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static Socket open() throws IOException {
    Socket socket = new Socket("127.0.0.1", node.port());
    socket.setSoTimeout(20_000); // an upper bound for the test, not a timing claim: reads end at close
    return socket;
  }

  /** Reads until the server closes the connection; returns what it sent. */
  private static String readToClose(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  @Test
  @DisplayName("a client that sends half its headers is disconnected, without an answer")
  void halfHeaders() throws IOException {
    try (Socket socket = open()) {
      socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: fetchbus\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(readToClose(socket)).isEmpty();
    }
  }

  @Test
  @DisplayName("one address may hold 3 connections; a fourth is closed at once, and a freed place is usable again")
  void perIpCap() throws IOException {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Socket socket = open();
        socket.getOutputStream()
            .write("GET /health HTTP/1.1\r\nHost: fetchbus\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] head = new byte[12];
        assertThat(socket.getInputStream().readNBytes(head, 0, 12)).isEqualTo(12);
        assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
        held.add(socket);
      }
      try (Socket fourth = open()) {
        fourth.getOutputStream()
            .write("GET /health HTTP/1.1\r\nHost: fetchbus\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(readToClose(fourth)).as("the fourth connection gets no answer").isEmpty();
      }
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> node.anonymous().get("/health").status() == 200);
  }
}
