package dev.fetchbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.NodeLives;
import dev.fetchbus.support.NodeProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A node that cannot start exits and leaves nothing running: its embedded PostgreSQL, started
 * before the part that failed, is stopped too. (Vert.x never stops a verticle whose start failed,
 * so the database used to outlive the node, holding its data directory.)
 */
@DisplayName("A node that cannot start leaves no embedded PostgreSQL behind")
class StartFailureIT {

  @Test
  @DisplayName("its HTTP port is taken: the node exits, and its database is stopped")
  void portTaken() throws Exception {
    try (NodeLives lives = new NodeLives("start-failure-it");
        ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Path data = lives.workDir().resolve("port-taken-data");
      Map<String, String> env = Map.of("FETCHBUS_DATA_DIR", data.toString(), "FETCHBUS_HTTP_HOST", "127.0.0.1",
          "FETCHBUS_ADMIN_KEY", NodeLives.ADMIN_KEY);
      NodeProcess node = NodeProcess.jar("port-taken", lives.workDir(), taken.getLocalPort(), env);
      try {
        await().atMost(Duration.ofMinutes(2)).until(() -> !node.alive());
        assertThat(node.exitValue()).as("exit status").isNotZero();
        assertThat(Files.exists(data.resolve("pg"))).as("the embedded database had started").isTrue();
        assertThat(postgresServing(data)).as("postgres processes still serving " + data).isZero();
        assertThat(data.resolve("pg/postmaster.pid")).doesNotExist();
      } finally {
        node.close();
      }
    }
  }

  /** Processes whose command line names {@code data}: a postmaster and its children. */
  private static long postgresServing(Path data) throws IOException {
    String dir = data.toString();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(p -> {
            try {
              return new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ').contains(dir);
            } catch (IOException gone) {
              return false;
            }
          })
          .count();
    }
  }
}
