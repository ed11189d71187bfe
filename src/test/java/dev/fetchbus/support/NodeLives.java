package dev.fetchbus.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Successive lives of the packaged jar on one data dir, as an operator runs it with zero setup
 * (embedded PostgreSQL): for drills that kill a node and start it again. Child output goes to
 * {@code target/<name>/node-*.log}; a failed drill prints their tails and keeps its data dir.
 */
public final class NodeLives implements AutoCloseable {
  public static final String ADMIN_KEY = "node-lives-admin-key";
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
  private final String name;
  private final Path workDir;
  private final Path dataDir;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private boolean passed;

  public NodeLives(String name) throws IOException {
    this.name = name;
    this.workDir = NodeProcess.jar().getParent().resolve(name);
    Files.createDirectories(workDir);
    this.dataDir = Files.createTempDirectory(workDir, "data-");
  }

  /** Starts life {@code life} on the shared data dir and waits until it is ready. */
  public NodeProcess start(int life, int port, Map<String, String> extraEnv) {
    // the GC-locker wait of scripts/prereqs: zstd-jni's critical regions otherwise fail large allocations
    return start(life, port, extraEnv, List.of("-Xmx512m", "-XX:+UnlockDiagnosticVMOptions",
        "-XX:GCLockerRetryAllocationCount=100"));
  }

  /** The same, with the JVM flags {@code jvm} (e.g. {@link NodeProcess#SHIPPED_FLAGS}). */
  public NodeProcess start(int life, int port, Map<String, String> extraEnv, List<String> jvm) {
    Map<String, String> env = new HashMap<>(); // no FETCHBUS_PG_URL: the embedded PostgreSQL
    env.put("FETCHBUS_DATA_DIR", dataDir.toString());
    env.put("FETCHBUS_HTTP_HOST", "127.0.0.1");
    env.put("FETCHBUS_ADMIN_KEY", ADMIN_KEY);
    env.put("FETCHBUS_FETCH_ALLOW_NETWORKS", "127.0.0.0/8");
    env.put("FETCHBUS_FRONTIER_LEASE_SECONDS", "3");
    env.put("FETCHBUS_FRONTIER_POLL_MS", "200");
    env.putAll(extraEnv);
    NodeProcess node = NodeProcess.jar("node-" + life, workDir, port, env, jvm);
    nodes.add(node);
    System.out.printf("%s: started node %d (pid %d) on port %d, data in %s, log %s%n", name, life, node.pid(), port,
        dataDir, workDir.resolve("node-" + life + ".log"));
    ApiClient api = ApiClient.of(port, ADMIN_KEY);
    poll("node " + life + " to be ready", START_TIMEOUT, node,
        () -> api.get("/ready").status() == 200 ? Optional.of(true) : Optional.empty());
    return node;
  }

  /**
   * Polls until {@code check} gives a value, at most {@code timeout}. Fails at once if the node
   * died; a refused connection just means "not yet" (the last one is the failure's cause).
   */
  public static <T> T poll(String what, Duration timeout, NodeProcess node, Supplier<Optional<T>> check) {
    AtomicReference<RuntimeException> last = new AtomicReference<>();
    try {
      return Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
          .until(() -> {
            if (!node.alive()) {
              throw new AssertionError("node " + node.pid() + " exited with " + node.exitValue() + " while waiting for "
                  + what);
            }
            try {
              return check.get();
            } catch (RuntimeException e) {
              last.set(e);
              return Optional.<T>empty();
            }
          }, Optional::isPresent).orElseThrow();
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("timed out after " + timeout + " waiting for " + what, last.get());
    }
  }

  public Path pgDir() {
    return dataDir.resolve("pg");
  }

  public Path workDir() {
    return workDir;
  }

  public Optional<Long> postmasterPid() {
    Path pidFile = pgDir().resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Runs the drill; on failure prints the nodes' log tails (and keeps the data dir) before rethrowing. */
  public void run(ThrowingRunnable drill) throws Exception {
    try {
      drill.run();
      passed = true;
    } catch (Throwable failure) {
      printLogTails();
      throw failure;
    }
  }

  /** A drill's body. */
  public interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Override
  public void close() {
    nodes.forEach(NodeProcess::close);
    stopLeftoverPostgres();
    if (passed) {
      deleteRecursively(dataDir);
    }
  }

  /** A failed drill may leave a PostgreSQL running on the data dir; stop it so nothing outlives the build. */
  private void stopLeftoverPostgres() {
    postmasterPid().flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false))
        .ifPresent(pg -> {
          System.out.printf("%s: stopping leftover PostgreSQL %d%n", name, pg.pid());
          pg.destroy();
          try {
            pg.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
          } catch (Exception e) {
            pg.destroyForcibly();
          }
        });
  }

  private void printLogTails() {
    for (int i = 0; i < nodes.size(); i++) {
      System.err.printf("----- last 80 lines of %s -----%n", workDir.resolve("node-" + (i + 1) + ".log"));
      System.err.println(nodes.get(i).tail(80));
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
