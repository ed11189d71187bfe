package dev.fetchbus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.NodeProcess;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar, as an operator runs it with zero setup (embedded PostgreSQL in its data dir),
 * killed with SIGKILL in the middle of a job and started again on the same data dir. The first
 * JVM's PostgreSQL is left orphaned by the kill; the second node must stop it, take over the dead
 * node's expired leases, and finish the job with exactly one record per URL.
 *
 * <p>The nodes are {@link NodeProcess}es. Child output goes to {@code target/kill-resume-it/node-*.log};
 * on failure their tails are printed.
 */
@DisplayName("A node killed with -9 mid-job resumes on restart, and the job ends with one record per URL")
class KillResumeIT {
  private static final int URLS = 2000;
  /** Each page takes 20 ms at the origin and the job allows 2 at once: at most ~100 pages/s, so the kill lands mid-job. */
  private static final int SLOW_MS = 20;
  private static final int HOST_CONCURRENCY = 2;
  private static final int KILL_AFTER_DONE = 100;
  private static final String ADMIN_KEY = "kill-resume-it-key";
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration FIRST_RECORDS_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration DONE_TIMEOUT = Duration.ofMinutes(6);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  private Path workDir;
  private Path dataDir;
  private OriginServer origin;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private boolean passed;

  @BeforeEach
  void setUp() throws IOException {
    workDir = NodeProcess.jar().getParent().resolve("kill-resume-it");
    Files.createDirectories(workDir);
    dataDir = Files.createTempDirectory(workDir, "data-");
    origin = OriginServer.start();
  }

  @AfterEach
  void tearDown() {
    nodes.forEach(NodeProcess::close);
    stopLeftoverPostgres();
    if (origin != null) {
      origin.close();
    }
    if (passed) {
      deleteRecursively(dataDir); // a failed run keeps its data dir next to the logs
    }
  }

  @Test
  @DisplayName("kill -9 mid-job, restart on the same data dir: done=N, NDJSON N distinct URLs, CSV N+1 lines")
  void killedNodeResumesJob() throws Exception {
    try {
      run();
      passed = true;
    } catch (Throwable failure) {
      printLogTails();
      throw failure;
    }
  }

  private void run() throws Exception {
    List<String> urls = IntStream.range(0, URLS).mapToObj(i -> origin.url("/slow/" + SLOW_MS + "/" + i)).toList();

    // First life: start, submit, and let it write some records.
    int port1 = TestNode.freePort();
    NodeProcess first = startNode(1, port1);
    ApiClient api1 = ApiClient.of(port1, ADMIN_KEY);
    awaitReady(first, api1, 1);
    JsonObject created = api1.submit(urls, "hostConcurrency=" + HOST_CONCURRENCY);
    assertThat(created.getLong("accepted")).isEqualTo(URLS);
    long jobId = created.getLong("id");

    JsonObject beforeKill = poll("job " + jobId + " to have " + KILL_AFTER_DONE + " records", FIRST_RECORDS_TIMEOUT,
        first, 1, () -> {
          JsonObject job = api1.get("/v1/jobs/" + jobId).json();
          return job.getJsonObject("urls").getLong("done") >= KILL_AFTER_DONE ? Optional.of(job) : Optional.empty();
        });

    // Kill -9. The JVM dies; its PostgreSQL does not.
    first.kill();
    assertThat(first.alive()).as("first node died of SIGKILL").isFalse();
    long doneAtKill = beforeKill.getJsonObject("urls").getLong("done");
    System.out.printf("KillResumeIT: killed node 1 (exit %d) with %d of %d URLs done%n", first.exitValue(), doneAtKill,
        URLS);
    assertThat(doneAtKill).as("the kill must land mid-job for this test to mean anything; last seen %s", beforeKill)
        .isLessThan(URLS);
    long orphanPid = postmasterPid().orElseThrow(() -> new AssertionError("no postmaster.pid in " + pgDir()));
    assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false))
        .as("the first node's PostgreSQL (pid %d) outlives the kill -9 of its JVM", orphanPid).isTrue();

    // Second life on the same data dir: it must stop the orphan and come up.
    int port2 = TestNode.freePort();
    NodeProcess second = startNode(2, port2);
    ApiClient api2 = ApiClient.of(port2, ADMIN_KEY);
    awaitReady(second, api2, 2);
    assertThat(second.log()).as("node 2 log").contains("left running");
    poll("orphaned PostgreSQL " + orphanPid + " to exit", STOP_TIMEOUT, second, 2,
        () -> ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false) ? Optional.empty() : Optional.of(1));
    assertThat(postmasterPid()).as("node 2 runs its own postmaster").isPresent().get().isNotEqualTo(orphanPid);

    JsonObject done = poll("job " + jobId + " to be done", DONE_TIMEOUT, second, 2, () -> {
      JsonObject job = api2.get("/v1/jobs/" + jobId).json();
      return "done".equals(job.getString("state")) ? Optional.of(job) : Optional.empty();
    });
    System.out.printf("KillResumeIT: job finished after restart: %s%n", done.getJsonObject("urls"));
    assertThat(done.getJsonObject("urls").getLong("done")).isEqualTo(URLS);
    assertThat(done.getJsonObject("urls").getLong("failed")).isZero();
    assertThat(done.getJsonObject("urls").getLong("queued")).isZero();
    assertThat(done.getJsonObject("urls").getLong("leased")).isZero();

    ApiClient.Response ndjson = api2.get("/v1/jobs/" + jobId + "/results");
    assertThat(ndjson.status()).isEqualTo(200);
    List<String> lines = ndjson.body().lines().toList();
    assertThat(lines).as("NDJSON lines").hasSize(URLS);
    Set<String> seen = new HashSet<>();
    for (String line : lines) {
      JsonObject record = new JsonObject(line);
      assertThat(seen.add(record.getString("url"))).as("each URL once: %s", record.getString("url")).isTrue();
      assertThat(record.getInteger("status")).as("status of %s", record.getString("url")).isEqualTo(200);
      assertThat(record.getValue("error")).isNull();
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(urls);

    ApiClient.Response csv = api2.get("/v1/jobs/" + jobId + "/results?format=csv");
    assertThat(csv.status()).isEqualTo(200);
    List<String> csvLines = csv.body().lines().toList();
    assertThat(csvLines).as("CSV lines (header + one per URL)").hasSize(URLS + 1);
    assertThat(csvLines.get(0)).startsWith("cursor,url,");
  }

  /** Both lives share the data dir, so the second finds the first's data and its orphaned PostgreSQL. */
  private NodeProcess startNode(int life, int port) {
    Map<String, String> env = new HashMap<>(); // no FETCHBUS_PG_URL: the embedded PostgreSQL
    env.put("FETCHBUS_DATA_DIR", dataDir.toString());
    env.put("FETCHBUS_HTTP_HOST", "127.0.0.1");
    env.put("FETCHBUS_ADMIN_KEY", ADMIN_KEY);
    env.put("FETCHBUS_FETCH_ALLOW_NETWORKS", "127.0.0.0/8");
    env.put("FETCHBUS_FRONTIER_LEASE_SECONDS", "3");
    env.put("FETCHBUS_FRONTIER_POLL_MS", "200");
    NodeProcess node = NodeProcess.jar("node-" + life, workDir, port, env);
    nodes.add(node);
    System.out.printf("KillResumeIT: started node %d (pid %d) on port %d, data in %s, log %s%n", life, node.pid(),
        port, dataDir, workDir.resolve("node-" + life + ".log"));
    return node;
  }

  private void awaitReady(NodeProcess node, ApiClient api, int life) {
    poll("node " + life + " to be ready", START_TIMEOUT, node, life,
        () -> api.get("/ready").status() == 200 ? Optional.of(true) : Optional.empty());
  }

  /**
   * Polls until {@code check} gives a value, at most {@code timeout} (and so a bounded number of
   * times). Fails at once if the node died; a refused connection just means "not yet".
   */
  private static <T> T poll(String what, Duration timeout, NodeProcess node, int life, Supplier<Optional<T>> check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long maxTries = timeout.toMillis() / 200 + 1;
    RuntimeException last = null;
    for (long i = 0; i < maxTries && System.nanoTime() < deadline; i++) {
      if (!node.alive()) {
        throw new AssertionError("node " + life + " exited with " + node.exitValue() + " while waiting for " + what);
      }
      try {
        Optional<T> value = check.get();
        if (value.isPresent()) {
          return value.get();
        }
      } catch (RuntimeException e) {
        last = e;
      }
      ApiClient.sleep(200);
    }
    throw new AssertionError("timed out after " + timeout + " waiting for " + what, last);
  }

  private Path pgDir() {
    return dataDir.resolve("pg");
  }

  private Optional<Long> postmasterPid() {
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

  /** A failed test may leave a PostgreSQL running on the data dir; stop it so nothing outlives the build. */
  private void stopLeftoverPostgres() {
    postmasterPid().flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false))
        .ifPresent(pg -> {
          System.out.printf("KillResumeIT: stopping leftover PostgreSQL %d%n", pg.pid());
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
