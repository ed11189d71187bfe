package dev.fetchbus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.NodeLives;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The command line against a running service (the packaged jar as a node, its own process):
 * {@code fetch --server --key}, the same through FETCHBUS_SERVER / FETCHBUS_KEY, {@code jobs},
 * {@code users}, {@code results}, Ctrl-C and {@code --resume} (the service goes on with the job), and
 * the errors a script must see as status 1: a wrong key, a service that is not there.
 */
@DisplayName("fetchbus fetch/jobs/users/results against a running service")
class CliServerIT {
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  @Test
  @DisplayName("--server/--key: fetch, jobs, users, results; Ctrl-C then --resume; wrong key and no service exit 1")
  void againstARunningNode() throws Exception {
    Path dir = CliProgressIT.workDir("server");
    try (OriginServer origin = OriginServer.start(); NodeLives lives = new NodeLives("cli-server-it")) {
      int port = TestNode.freePort();
      lives.start(1, port, Map.of());
      String server = "http://127.0.0.1:" + port;
      List<String> urls = IntStream.range(0, 20).mapToObj(i -> origin.url("/page/" + i)).toList();
      Files.write(dir.resolve("urls.txt"), urls);

      Result fetch = run(dir, "fetch", Map.of(), "fetch", "urls.txt", "-o", "out.ndjson", "--server", server, "--key",
          NodeLives.ADMIN_KEY);
      assertThat(fetch.exit()).as("fetch; stderr:\n%s", fetch.err()).isZero();
      assertThat(CliProcess.ndjson(dir.resolve("out.ndjson"))).extracting(r -> r.getString("url"))
          .containsExactlyInAnyOrderElementsOf(urls);

      Map<String, String> env = Map.of("FETCHBUS_SERVER", server, "FETCHBUS_KEY", NodeLives.ADMIN_KEY);
      Result jobs = run(dir, "jobs", env, "jobs");
      assertThat(jobs.exit()).isZero();
      assertThat(jobs.out()).containsPattern("(?m)^1\\s+list\\s+done\\s+20\\s");
      Result json = run(dir, "jobs-json", env, "jobs", "--json");
      assertThat(new JsonObject(json.out()).getJsonArray("jobs")).hasSize(1);
      Result users = run(dir, "users", env, "users");
      assertThat(users.out()).containsPattern("(?m)^\\d+\\s+admin\\s+admin\\s");
      Result results = run(dir, "results", env, "results", "1", "--format", "csv", "-o", "out.csv");
      assertThat(results.exit()).isZero();
      assertThat(Files.readAllLines(dir.resolve("out.csv"))).hasSize(urls.size() + 1);

      interruptAndResume(dir, origin, env);

      assertThat(run(dir, "wrong-key", Map.of(), "jobs", "--server", server, "--key", "nope").err())
          .contains("401");
      Result away =
          run(dir, "away", Map.of(), "jobs", "--server", "http://127.0.0.1:" + TestNode.freePort(), "--key", "k");
      assertThat(away.exit()).isEqualTo(1);
      assertThat(away.err()).contains("Cannot reach");
    }
  }

  /** Ctrl-C leaves the job running on the service; --resume waits for it and writes every URL once. */
  private static void interruptAndResume(Path dir, OriginServer origin, Map<String, String> env) throws Exception {
    List<String> slow = IntStream.range(0, 100).mapToObj(i -> origin.url("/slow/100/" + i)).toList();
    Files.write(dir.resolve("slow.txt"), slow);
    try (CliProcess cli = CliProcess.start(dir, "slow", env, "fetch", "slow.txt", "-o", "slow.ndjson", "--data",
        "state", "--host-concurrency", "1", "--progress-interval", "1")) {
      cli.poll("the job to be remembered", RUN_TIMEOUT, () -> Files.exists(dir.resolve("state").resolve(CliState.FILE))
          && cli.stderr().contains("pages (") ? Optional.of(true) : Optional.empty());
      cli.interrupt();
      assertThat(cli.awaitExit(RUN_TIMEOUT)).as("stderr:\n%s", cli.stderr()).isEqualTo(130);
      assertThat(cli.stderr()).contains("the job goes on");
    }
    assertThat(dir.resolve("slow.ndjson")).doesNotExist();
    Result resumed =
        run(dir, "slow-resume", env, "fetch", "slow.txt", "-o", "slow.ndjson", "--data", "state", "--resume");
    assertThat(resumed.exit()).as("stderr:\n%s", resumed.err()).isZero();
    Set<String> seen = new HashSet<>();
    CliProcess.ndjson(dir.resolve("slow.ndjson")).forEach(r -> assertThat(seen.add(r.getString("url"))).isTrue());
    assertThat(seen).containsExactlyInAnyOrderElementsOf(slow);
  }

  private record Result(int exit, String out, String err) {}

  private static Result run(Path dir, String name, Map<String, String> env, String... args) throws Exception {
    try (CliProcess cli = CliProcess.start(dir, name, env, args)) {
      int exit = cli.awaitExit(RUN_TIMEOUT);
      return new Result(exit, cli.stdout(), cli.stderr());
    }
  }
}
