package dev.fetchbus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.NodeProcess;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import dev.fetchbus.support.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The Python client (clients/python) against a real node: the packaged jar with its TCP bridge on,
 * on a database of its own, fetching from an {@link OriginServer} on loopback. Runs the client's own
 * unittest suite, which covers submit and progress to the end, cancelling a running job, another
 * user's job and a wrong key refused, one fetch, and clean-up on early exits; its output goes to
 * stdout so the build log shows the Python tests ran. Skipped with a message where python3 (3.9+) is
 * missing, except in CI.
 */
@DisplayName("The Python client's tests pass against a real node's TCP bridge")
class PythonClientIT {
  private static final String KEY = "python-client-it-admin";
  private static final Path WORK = NodeProcess.jar().getParent().resolve("python-client-it");
  private static final Path CLIENT = Path.of("clients/python").toAbsolutePath();
  private static final Duration PYTHON_TIMEOUT = Duration.ofMinutes(5);
  /** A test of test_node.py reported as passed, in unittest's -v output (3.9 to 3.13 spell it differently). */
  private static final Pattern NODE_TEST_OK = Pattern.compile("\\(test_node\\.AgainstANode[.)][^\\n]*\\.\\.\\. ok");
  private static Path python;
  private static String database;
  private static OriginServer origin;
  private static NodeProcess node;
  private static int bridgePort;

  @BeforeAll
  static void start() throws Exception {
    python = python();
    database = TestDatabase.create();
    origin = OriginServer.start();
    bridgePort = TestNode.freePort();
    Map<String, String> env = new HashMap<>();
    env.put("FETCHBUS_PG_URL", database);
    env.put("FETCHBUS_ADMIN_KEY", KEY);
    env.put("FETCHBUS_FETCH_ALLOW_NETWORKS", "127.0.0.0/8");
    env.put("FETCHBUS_BRIDGE_PORT", String.valueOf(bridgePort));
    node = NodeProcess.jar("python-client-node", WORK, TestNode.freePort(), env);
    node.awaitReady(Duration.ofMinutes(3)); // ready means every verticle deployed, the bridge listening
  }

  /** python3 from PATH, if it is 3.9 or later (the client's floor); else skip, or fail in CI. */
  private static Path python() throws Exception {
    Optional<Path> found = Tools.wanted("python3");
    Assumptions.assumeTrue(found.isPresent(), "python3 is not on PATH: skipped");
    Tools.Result version = Tools.run(WORK.getParent(), List.of(found.get().toString(), "-c",
        "import sys; print(sys.version.split()[0]); sys.exit(sys.version_info < (3, 9))"));
    if (version.exit() != 0 && System.getenv("CI") != null) {
      throw new AssertionError("python3 " + version.out().trim() + " is older than 3.9, which the client needs");
    }
    Assumptions.assumeTrue(version.exit() == 0, "python3 " + version.out().trim() + " is older than 3.9: skipped");
    return found.get();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    if (origin != null) {
      origin.close();
    }
    if (database != null) {
      TestDatabase.drop(database);
    }
  }

  @Test
  @DisplayName("python3 -m unittest discover -s clients/python/tests: all pass, none skipped")
  void pythonTestsPass() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(python.toString(), "-m", "unittest", "discover", "-s",
        CLIENT.resolve("tests").toString(), "-v").directory(CLIENT.toFile()).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("FETCHBUS_")); // the test alone says which node
    env.put("PYTHONPATH", CLIENT.toString());
    env.put("PYTHONDONTWRITEBYTECODE", "1"); // no __pycache__ left in the source tree
    env.put("PYTHONUNBUFFERED", "1");
    env.put("FETCHBUS_BRIDGE_HOST", "127.0.0.1");
    env.put("FETCHBUS_BRIDGE_PORT", String.valueOf(bridgePort));
    env.put("FETCHBUS_HTTP_PORT", String.valueOf(node.httpPort()));
    env.put("FETCHBUS_ADMIN_KEY", KEY);
    env.put("FETCHBUS_ORIGIN", origin.url(""));

    Process process = builder.start();
    CompletableFuture<String> output = readAll(process.getInputStream());
    boolean ended = process.waitFor(PYTHON_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (!ended) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String out = output.get(10, TimeUnit.SECONDS);
    System.out.println("---- clients/python: python3 -m unittest discover -v ----\n" + out.stripTrailing()
        + "\n---- end of the Python client's tests ----");

    String context = out + "\n---- the node's log, last lines ----\n" + node.tail(60);
    assertThat(ended).as("the Python tests did not end within %s:\n%s", PYTHON_TIMEOUT, context).isTrue();
    assertThat(process.exitValue()).as(context).isZero();
    assertThat(out).as("unittest's summary, with nothing skipped (is the node's environment reaching the tests?)\n%s",
        context).containsPattern("(?m)^OK$").doesNotContain("skipped=");
    assertThat(NODE_TEST_OK.matcher(out).results().count())
        .as("the real-node tests (test_node.py) ran and passed:\n%s", out)
        .isGreaterThanOrEqualTo(6);
  }

  private static CompletableFuture<String> readAll(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }
}
