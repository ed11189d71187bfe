package dev.fetchbus.support;

import dev.fetchbus.NodeVerticle;
import dev.fetchbus.cluster.ClusterSetup;
import dev.fetchbus.config.Settings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A whole fetchbus node in this JVM, on its own database and a free port, with loopback allowed
 * (the fixture origin lives there) and short polling so tests do not wait on timers.
 */
public final class TestNode implements AutoCloseable {
  public static final String ADMIN_KEY = "test-admin-key";
  private final Vertx vertx;
  private final String databaseUrl;
  private final int port;
  private final ApiClient admin;

  private TestNode(Vertx vertx, String databaseUrl, int port) {
    this.vertx = vertx;
    this.databaseUrl = databaseUrl;
    this.port = port;
    this.admin = new ApiClient(port, ADMIN_KEY);
  }

  public static TestNode start() {
    return start(new JsonObject());
  }

  /** Starts a node; {@code overlay} uses the configuration's own shape, e.g. {"fetch": {"maxAttempts": 1}}. */
  public static TestNode start(JsonObject overlay) {
    String db = TestDatabase.create();
    int port = freePort();
    JsonObject base = new JsonObject()
        .put("http", new JsonObject().put("port", port).put("host", "127.0.0.1").put("instances", 2))
        .put("pg", new JsonObject().put("url", db).put("poolSize", 8))
        .put("admin", new JsonObject().put("key", ADMIN_KEY))
        .put("fetch", new JsonObject().put("allowNetworks", "127.0.0.0/8").put("instances", 2)
            .put("retryBaseMs", 100))
        .put("frontier", new JsonObject().put("pollMs", 100));
    Settings settings = Settings.load(base.mergeIn(overlay, true), Map.of());
    // The CLI's Vert.x options, so a test node has the same metrics (Prometheus, JVM, HTTP, pools) as a real one
    Vertx vertx = Vertx.builder().with(ClusterSetup.vertxOptions()).build();
    await(vertx.deployVerticle(new NodeVerticle(), new DeploymentOptions().setConfig(settings.json())));
    return new TestNode(vertx, db, port);
  }

  public ApiClient admin() {
    return admin;
  }

  /** A client with the key of a newly created user. */
  public ApiClient newUser(String name) {
    JsonObject created = admin.postJson("/v1/users", new JsonObject().put("name", name)).json();
    return new ApiClient(port, created.getString("key"));
  }

  public ApiClient anonymous() {
    return new ApiClient(port, null);
  }

  public ApiClient withKey(String key) {
    return new ApiClient(port, key);
  }

  public int port() {
    return port;
  }

  public String databaseUrl() {
    return databaseUrl;
  }

  public Vertx vertx() {
    return vertx;
  }

  @Override
  public void close() {
    stop();
    TestDatabase.drop(databaseUrl);
  }

  /** Stops the node as a shutdown would, keeping its database for a node started after it. */
  public void stop() {
    await(NodeVerticle.stopInOrder(vertx).compose(v -> vertx.close()));
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
    }
  }

  /**
   * A port nothing listens on, from below the kernel's range of ephemeral ports (32768 and up here).
   * A port taken from that range ({@code new ServerSocket(0)}) and used seconds later may meanwhile
   * be the source port of some outgoing connection (a node's PostgreSQL or Hazelcast connections),
   * and the node meant to listen on it fails with "Address already in use" (seen in ClusterIT).
   * Each port is handed out once per JVM.
   */
  public static int freePort() {
    for (int attempt = 0; attempt < 500; attempt++) {
      int port = FIRST_PORT + PORTS.nextInt(PORT_COUNT);
      if (!HANDED_OUT.add(port)) {
        continue;
      }
      try (ServerSocket socket = new ServerSocket(port)) {
        return socket.getLocalPort();
      } catch (IOException inUse) {
        // someone listens there: try another
      }
    }
    throw new IllegalStateException("no free port in " + FIRST_PORT + "-" + (FIRST_PORT + PORT_COUNT - 1));
  }

  private static final int FIRST_PORT = 20_000;
  private static final int PORT_COUNT = 12_000;
  private static final Random PORTS = new Random();
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
}
