package dev.fetchbus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The TCP event-bus bridge spoken frame by frame (4-byte length, JSON), as any non-JVM client
 * would: the allow-listed actions work with a key and act exactly as the HTTP API does for that
 * key; anything else is refused, and the refusal is logged.
 */
@DisplayName("The TCP event-bus bridge")
class BridgeTest {
  private static OriginServer origin;
  private static TestNode node;
  private static int bridgePort;
  private static final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeAll
  static void start() {
    origin = OriginServer.start();
    bridgePort = TestNode.freePort();
    node = TestNode.start(new JsonObject()
        .put("bridge", new JsonObject().put("port", bridgePort).put("progressMs", 200)));
    logged.start();
    ((Logger) LoggerFactory.getLogger(BridgeVerticle.class)).addAppender(logged);
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger(BridgeVerticle.class)).detachAppender(logged);
    node.close();
    origin.close();
  }

  /** One connection to the bridge. */
  private static final class Client implements AutoCloseable {
    private final Socket socket;
    private final DataOutputStream out;
    private final DataInputStream in;

    Client() throws Exception {
      socket = new Socket("127.0.0.1", bridgePort);
      socket.setSoTimeout(15_000);
      out = new DataOutputStream(socket.getOutputStream());
      in = new DataInputStream(socket.getInputStream());
    }

    void write(JsonObject frame) throws Exception {
      byte[] bytes = frame.encode().getBytes(StandardCharsets.UTF_8);
      out.writeInt(bytes.length);
      out.write(bytes);
      out.flush();
    }

    JsonObject read() throws Exception {
      byte[] bytes = new byte[in.readInt()];
      in.readFully(bytes);
      return new JsonObject(new String(bytes, StandardCharsets.UTF_8));
    }

    /** Sends with a reply address and reads frames until the one for it. */
    JsonObject request(String address, String key, JsonObject body) throws Exception {
      String reply = UUID.randomUUID().toString();
      write(new JsonObject().put("type", "send").put("address", address).put("replyAddress", reply)
          .put("headers", headers(key)).put("body", body));
      for (int i = 0; i < 100; i++) {
        JsonObject frame = read();
        if (reply.equals(frame.getString("address")) || "err".equals(frame.getString("type"))) {
          return frame;
        }
      }
      throw new AssertionError("no reply to " + address);
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }

  private static JsonObject headers(String key) {
    return key == null ? new JsonObject() : new JsonObject().put("authorization", "Bearer " + key);
  }

  private static boolean loggedRefusal(String address, String why) {
    return logged.list.stream().map(ILoggingEvent::getFormattedMessage)
        .anyMatch(line -> line.contains("Bridge refused") && line.contains("'" + address + "'") && line.contains(why));
  }

  @Test
  @DisplayName("submit, follow the job's progress to its end, and fetch one page, with a user's key")
  void submitFollowFetch() throws Exception {
    ApiClient user = node.newUser("bridge-user");
    try (Client client = new Client()) {
      JsonObject body =
          new JsonObject().put("urls", new JsonArray(List.of(origin.url("/page/b1"), origin.url("/page/b2"))));
      JsonObject submitted = client.request(BridgeActions.SUBMIT, user.key(), body);
      assertThat(submitted.getString("type")).as(submitted.encode()).isEqualTo("message");
      long job = submitted.getJsonObject("body").getLong("id");
      assertThat(submitted.getJsonObject("body").getLong("accepted")).isEqualTo(2);

      String progress = ProgressFeeds.PREFIX + job;
      client.write(new JsonObject().put("type", "register").put("address", progress)
          .put("headers", headers(user.key())));
      JsonObject last = null;
      for (int i = 0; i < 200 && (last == null || !"done".equals(last.getString("state"))); i++) {
        JsonObject frame = client.read();
        assertThat(frame.getString("type")).as(frame.encode()).isEqualTo("message");
        assertThat(frame.getString("address")).isEqualTo(progress);
        last = frame.getJsonObject("body");
      }
      assertThat(last.getString("state")).isEqualTo("done");
      assertThat(last.getJsonObject("urls").getLong("done")).isEqualTo(2);
      assertThat(user.get("/v1/jobs/" + job).json().getString("state")).isEqualTo("done");

      JsonObject fetched =
          client.request(BridgeActions.FETCH, user.key(), new JsonObject().put("url", origin.url("/page/b3")));
      assertThat(fetched.getJsonObject("body").getInteger("status")).as(fetched.encode()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("another user's job: its progress cannot be followed nor the job cancelled; its owner cancels it")
  void otherUsersJob() throws Exception {
    ApiClient owner = node.newUser("bridge-owner");
    ApiClient other = node.newUser("bridge-other");
    long job = owner.submit(List.of(origin.url("/slow/20000?bridge")), null).getLong("id");
    try (Client client = new Client()) {
      JsonObject refused = client.request(BridgeActions.CANCEL, other.key(), new JsonObject().put("job", job));
      assertThat(refused.getInteger("failureCode")).as(refused.encode()).isEqualTo(404);
      assertThat(new JsonObject(refused.getString("message")).getString("error")).isEqualTo("not_found");

      String progress = ProgressFeeds.PREFIX + job;
      client.write(new JsonObject().put("type", "register").put("address", progress)
          .put("headers", headers(other.key())));
      JsonObject answer = client.read();
      assertThat(answer.getString("type")).as(answer.encode()).isEqualTo("err");
      assertThat(loggedRefusal(progress, "may not read job " + job)).isTrue();

      JsonObject cancelled = client.request(BridgeActions.CANCEL, owner.key(), new JsonObject().put("job", job));
      assertThat(cancelled.getJsonObject("body").getString("state")).as(cancelled.encode()).isEqualTo("cancelled");
    }
  }

  @Test
  @DisplayName("a missing or wrong key, an address off the allow-list, or a publish: refused, and logged")
  void refusals() throws Exception {
    try (Client client = new Client()) {
      JsonObject body = new JsonObject().put("urls", new JsonArray().add(origin.url("/page/x")));
      JsonObject noKey = client.request(BridgeActions.SUBMIT, null, body);
      assertThat(noKey.getString("type")).as(noKey.encode()).isEqualTo("err");
      assertThat(loggedRefusal(BridgeActions.SUBMIT, "no API key")).isTrue();

      JsonObject wrongKey = client.request(BridgeActions.SUBMIT, "fb_wrong", body);
      assertThat(wrongKey.getInteger("failureCode")).as(wrongKey.encode()).isEqualTo(401);

      JsonObject offList = client.request("fetchbus.job.cancelled", TestNode.ADMIN_KEY, new JsonObject());
      assertThat(offList.getString("type")).as(offList.encode()).isEqualTo("err");
      assertThat(loggedRefusal("fetchbus.job.cancelled", "not an allow-listed address")).isTrue();

      client.write(new JsonObject().put("type", "publish").put("address", BridgeActions.SUBMIT)
          .put("headers", headers(TestNode.ADMIN_KEY)).put("body", body));
      assertThat(client.read().getString("type")).isEqualTo("err");
      assertThat(loggedRefusal(BridgeActions.SUBMIT, "may not publish")).isTrue();

      client.write(new JsonObject().put("type", "register").put("address", "fetchbus.ops.stats")
          .put("headers", headers(TestNode.ADMIN_KEY)));
      assertThat(client.read().getString("type")).isEqualTo("err");
      assertThat(loggedRefusal("fetchbus.ops.stats", "not a job's progress address")).isTrue();
    }
  }

  @Test
  @DisplayName("the key a feed reads with is revoked: the feed goes on with another follower's key, to the job's end")
  void feedOutlivesARevokedKey() throws Exception {
    ApiClient owner = node.newUser("bridge-rotor");
    long ownerId = owner.get("/v1/me").json().getLong("id");
    ApiClient.Response added = owner.post("/v1/users/" + ownerId + "/keys", "application/json", "");
    String spareKey = added.json().getString("key");
    long spareKeyId = added.json().getLong("id");
    long job = owner.submit(List.of(origin.url("/slow/20000?rotor")), null).getLong("id");
    String progress = ProgressFeeds.PREFIX + job;
    try (Client first = new Client(); Client admin = new Client()) {
      first.write(new JsonObject().put("type", "register").put("address", progress).put("headers", headers(spareKey)));
      assertThat(first.read().getString("type")).isEqualTo("message");
      admin.write(new JsonObject().put("type", "register").put("address", progress)
          .put("headers", headers(TestNode.ADMIN_KEY)));
      assertThat(admin.read().getString("type")).isEqualTo("message");

      assertThat(owner.delete("/v1/users/" + ownerId + "/keys/" + spareKeyId).status()).isEqualTo(200);
      assertThat(owner.delete("/v1/jobs/" + job).status()).isEqualTo(200);
      JsonObject last = null;
      for (int i = 0; i < 100 && (last == null || !"cancelled".equals(last.getString("state"))); i++) {
        last = admin.read().getJsonObject("body");
      }
      assertThat(last.getString("state")).as("the admin saw the job's end").isEqualTo("cancelled");
    }
  }
}
