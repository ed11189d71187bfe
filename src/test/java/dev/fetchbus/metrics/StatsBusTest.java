package dev.fetchbus.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's feed through the SockJS bridge, spoken as a browser would (SockJS's raw WebSocket
 * endpoint): the one address it lets out, only to an admin or metrics key, nothing in.
 */
@DisplayName("The event-bus bridge that feeds the dashboard")
class StatsBusTest {
  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** A bridge client: every frame it receives, as JSON. */
  private static final class Client implements WebSocket.Listener {
    final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    WebSocket socket;

    static Client open() throws Exception {
      Client client = new Client();
      client.socket = HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create("ws://127.0.0.1:" + node.port() + "/ops/eventbus/websocket"), client)
          .get(10, TimeUnit.SECONDS);
      return client;
    }

    void send(JsonObject frame) throws Exception {
      socket.sendText(frame.encode(), true).get(10, TimeUnit.SECONDS);
    }

    JsonObject next() throws InterruptedException {
      JsonObject frame = frames.poll(10, TimeUnit.SECONDS);
      assertThat(frame).as("a frame from the bridge within 10 s").isNotNull();
      return frame;
    }

    /**
     * The raw endpoint carries the bridge's frames as binary messages (SockJS's own client gets them framed as text).
     */
    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      return onText(webSocket, StandardCharsets.UTF_8.decode(data), last);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        frames.add(new JsonObject(partial.toString()));
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }
  }

  private static JsonObject register(String key) {
    JsonObject headers = key == null ? new JsonObject() : new JsonObject().put("authorization", "Bearer " + key);
    return new JsonObject().put("type", "register").put("address", StatsBus.ADDRESS).put("headers", headers);
  }

  @Test
  @DisplayName(
      "an admin key registered for fetchbus.ops.stats receives this node's figures every second, named by node")
  void adminReceivesStats() throws Exception {
    Client client = Client.open();
    client.send(register(TestNode.ADMIN_KEY));
    JsonObject first = client.next();
    assertThat(first.getString("type")).isEqualTo("rec");
    assertThat(first.getString("address")).isEqualTo(StatsBus.ADDRESS);
    JsonObject stats = first.getJsonObject("body");
    assertThat(stats.getString("node")).isNotBlank();
    assertThat(stats.fieldNames()).contains("pages", "fetch", "eventLoops", "jvm", "jobs", "ownedPartitions");
    assertThat(stats.getJsonObject("fetch").getDouble("inFlightLimit")).isEqualTo(256.0);
    JsonObject second = client.next();
    assertThat(second.getJsonObject("body").getLong("time")).isGreaterThan(stats.getLong("time"));
    client.socket.abort();
  }

  @Test
  @DisplayName("without a key, or with a plain user's, registering is refused (rejected) and nothing arrives")
  void othersAreRefused() throws Exception {
    String userKey = node.newUser("bridge-user").key();
    for (String key : new String[] {null, userKey, "fb_not_a_key"}) {
      Client client = Client.open();
      client.send(register(key));
      JsonObject answer = client.next();
      assertThat(answer.getString("type")).as("answer to key %s", key).isEqualTo("err");
      assertThat(answer.getString("body")).isEqualTo("rejected");
      assertThat(client.frames.poll(1500, TimeUnit.MILLISECONDS)).as("frames after the refusal").isNull();
      client.socket.abort();
    }
  }

  @Test
  @DisplayName("nothing goes in: a send or publish from the browser to any address is refused")
  void nothingInbound() throws Exception {
    Client client = Client.open();
    for (String type : new String[] {"send", "publish"}) {
      client.send(new JsonObject().put("type", type).put("address", "fetchbus.job.cancelled").put("body", 1)
          .put("headers", new JsonObject().put("authorization", "Bearer " + TestNode.ADMIN_KEY)));
      JsonObject answer = client.next();
      assertThat(answer.getString("type")).isEqualTo("err");
      assertThat(answer.getString("body")).isEqualTo("access_denied");
    }
    client.socket.abort();
  }
}
