package dev.fetchbus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.NodeProcess;
import dev.fetchbus.support.TestNode;
import dev.fetchbus.support.Tools;
import io.vertx.core.json.JsonArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of the Dockerfile without a Docker daemon (none runs in CI): it lints clean,
 * its HEALTHCHECK command really tells a ready node from a missing one, and it ships the launchers'
 * JVM flags. Building and running the image is left to a machine with a daemon
 * (docs/operations.md, "Container").
 */
@DisplayName("The Dockerfile, checked without a Docker daemon")
class ContainerTest {
  private static final Path DOCKERFILE = Path.of("Dockerfile");

  private static List<String> healthcheck() throws Exception {
    Matcher m = Pattern.compile("(?m)^HEALTHCHECK .*?CMD (\\[.*])$").matcher(Files.readString(DOCKERFILE));
    assertThat(m.find()).as("a HEALTHCHECK in exec form").isTrue();
    List<String> command = new ArrayList<>();
    new JsonArray(m.group(1)).forEach(part -> command.add((String) part));
    return command;
  }

  private static int runHealthcheck(int port) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(healthcheck()).redirectErrorStream(true);
    builder.environment().put("FETCHBUS_HTTP_PORT", String.valueOf(port));
    Process process = builder.start();
    process.getOutputStream().close();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("the check ends within 10 s").isTrue();
    return process.exitValue();
  }

  @Test
  @DisplayName("the HEALTHCHECK command passes against a ready node and fails where no node listens")
  void healthcheckWorks() throws Exception {
    assertThat(healthcheck().get(0)).as("run by bash, which has /dev/tcp (the image's sh is dash)").isEqualTo("bash");
    try (TestNode node = TestNode.start()) {
      assertThat(runHealthcheck(node.port())).isZero();
    }
    assertThat(runHealthcheck(TestNode.freePort())).isNotZero();
  }

  @Test
  @DisplayName("the image runs the JVM with the launchers' flags (scripts/prereqs)")
  void shippedFlags() throws Exception {
    Matcher opts = Pattern.compile("FETCHBUS_JAVA_OPTS=\"([^\"]+)\"").matcher(Files.readString(DOCKERFILE));
    assertThat(opts.find()).isTrue();
    assertThat(List.of(opts.group(1).trim().split("\\s+"))).isEqualTo(NodeProcess.SHIPPED_FLAGS);
  }

  @Test
  @DisplayName("dockerfile-utils lints the Dockerfile clean")
  void lints() throws Exception {
    Optional<Path> linter = Tools.wanted("dockerfile-utils");
    Assumptions.assumeTrue(linter.isPresent(), "dockerfile-utils (npm) is not installed: lint skipped");
    Tools.Result linted = Tools.run(Path.of("."), List.of(linter.get().toString(), "lint", DOCKERFILE.toString()));
    assertThat(linted.exit()).as(linted.out() + linted.err()).isZero();
  }
}
