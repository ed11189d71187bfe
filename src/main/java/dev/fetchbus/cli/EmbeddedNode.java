package dev.fetchbus.cli;

import dev.fetchbus.NodeVerticle;
import dev.fetchbus.cluster.ClusterSetup;
import dev.fetchbus.config.ConfigLoader;
import dev.fetchbus.config.Settings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A whole fetchbus node inside the command's JVM: the same {@link NodeVerticle} a service deploys,
 * with its embedded PostgreSQL in {@code DIR/pg}, its API on a free loopback port and an admin key
 * made for this run. Every other setting comes from the FETCHBUS_* environment, as for a service,
 * the network guard included. Its log goes to {@code DIR/fetchbus.log}.
 */
final class EmbeddedNode implements AutoCloseable {
  static final String LOG_FILE = "fetchbus.log";
  private static final long START_MINUTES = 5;
  private static final long STOP_SECONDS = 60;
  private final Vertx vertx;
  private final int port;
  private final String key;
  private boolean closed;

  private EmbeddedNode(Vertx vertx, int port, String key) {
    this.vertx = vertx;
    this.port = port;
    this.key = key;
  }

  /** Starts the node and returns once every verticle is deployed (the API is listening). */
  static EmbeddedNode start(Path dataDir) throws InterruptedException {
    CliLogging.toFile(dataDir.resolve(LOG_FILE));
    String key = adminKey();
    int port = freeLoopbackPort();
    ConfigLoader.pin(pinned(dataDir, port, key));
    Settings settings = Settings.load(new JsonObject());
    Vertx vertx = await(ClusterSetup.start(settings, false), dataDir);
    EmbeddedNode node = new EmbeddedNode(vertx, port, key);
    try {
      await(vertx.deployVerticle(new NodeVerticle(), new DeploymentOptions().setConfig(settings.json())), dataDir);
      return node;
    } catch (RuntimeException | InterruptedException e) {
      node.close();
      throw e;
    }
  }

  ServiceClient client() {
    return new ServiceClient(URI.create("http://127.0.0.1:" + port + "/"), key);
  }

  /**
   * Stops the verticles in reverse start order, as a service does on SIGTERM: the frontier gives
   * back its unstarted leases and waits for the fetches in flight, the store writes their records,
   * and PostgreSQL stops last. The job stays unfinished in the database for a later run.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    var stopped = NodeVerticle.stopInOrder(vertx).compose(v -> vertx.close()).toCompletionStage().toCompletableFuture();
    // not interruptible: a Ctrl-C interrupts this thread, and this is the clean stop it asked for
    boolean interrupted = Thread.interrupted();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_SECONDS);
    while (true) {
      try {
        stopped.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException | TimeoutException e) {
        System.err.println("fetchbus: the embedded node did not stop cleanly: " + e);
        break;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The keys this node must own whatever the shell exported for a service: where it keeps its data,
   * where it listens (loopback only), its roles, and no management port or fixed database port that
   * could collide with a service running beside it.
   */
  private static Map<String, String> pinned(Path dataDir, int port, String key) {
    Map<String, String> pinned = new HashMap<>();
    pinned.put("FETCHBUS_DATA_DIR", dataDir.toAbsolutePath().toString());
    pinned.put("FETCHBUS_HTTP_HOST", "127.0.0.1");
    pinned.put("FETCHBUS_HTTP_PORT", String.valueOf(port));
    pinned.put("FETCHBUS_ADMIN_KEY", key);
    pinned.put("FETCHBUS_NODE_ROLES", "api,fetch");
    pinned.put("FETCHBUS_MANAGEMENT_PORT", "0");
    pinned.put("FETCHBUS_PG_EMBEDDED_PORT", "0");
    return pinned;
  }

  /**
   * A key made for this run, or FETCHBUS_ADMIN_KEY when set. Configuring a key replaces the admin's
   * other keys in the database, which is harmless in the run's own embedded database but would lock
   * a service's admin out of a shared one (FETCHBUS_PG_URL): there, the admin key must be given.
   */
  private static String adminKey() {
    Map<String, String> env = System.getenv();
    String configured = env.getOrDefault("FETCHBUS_ADMIN_KEY", "");
    if (!configured.isBlank()) {
      return configured.strip();
    }
    if (!env.getOrDefault("FETCHBUS_PG_URL", "").isBlank()) {
      throw new CliException("FETCHBUS_PG_URL is set: give that database's admin key in FETCHBUS_ADMIN_KEY "
          + "(a key made for this run would replace it), or use --server with a running service");
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  private static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("No free loopback port", e);
    }
  }

  private static <T> T await(Future<T> future, Path dataDir) throws InterruptedException {
    try {
      return future.toCompletionStage().toCompletableFuture().get(START_MINUTES, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new CliException("The embedded node failed to start: " + cause.getMessage() + " (log: "
          + dataDir.resolve(LOG_FILE) + ")");
    } catch (TimeoutException e) {
      throw new CliException("The embedded node did not start within " + START_MINUTES + " minutes (log: "
          + dataDir.resolve(LOG_FILE) + ")");
    }
  }
}
