package dev.fetchbus.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.NodeProcess;
import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code fetchbus db --port P}, as scripts/cluster runs it: the embedded PostgreSQL alone, its URL
 * on standard output, stopped with the JVM.
 */
@DisplayName("The db subcommand runs the embedded PostgreSQL alone and prints a URL that works")
class DatabaseCommandIT {
  private static final Pattern URL = Pattern.compile("(?m)^(postgresql://\\S+)$");
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

  @Test
  @DisplayName("db --port P: the printed URL answers a query over JDBC; SIGTERM stops PostgreSQL and the JVM")
  void startsQueriesAndStops() throws Exception {
    Path work = Files.createTempDirectory("fetchbus-db-it-");
    Path data = work.resolve("data");
    int port = TestNode.freePort();
    // the HTTP port is only validated, never bound, by db: any free one will do
    try (NodeProcess db = NodeProcess.jar("db", work, TestNode.freePort(), Map.of("FETCHBUS_DATA_DIR", data.toString()),
        "db", "--port", String.valueOf(port))) {
      String url =
          await("the db subcommand to print its URL").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100))
          .until(() -> printedUrl(db), Optional::isPresent).orElseThrow();
      assertThat(url).as("the URL names the port asked for").contains("@127.0.0.1:" + port + "/postgres");

      try (Connection conn = TestDatabase.connect(url); Statement st = conn.createStatement();
          ResultSet rows = st.executeQuery("select current_database(), 6 * 7, version()")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getString(1)).isEqualTo("postgres");
        assertThat(rows.getInt(2)).isEqualTo(42);
        assertThat(rows.getString(3)).startsWith("PostgreSQL");
      }
      assertThat(data.resolve("pg").resolve("postmaster.pid")).as("the cluster lives in FETCHBUS_DATA_DIR/pg").exists();

      db.terminate();

      // the JVM ends through its shutdown hook, as any JVM stopped by SIGTERM: 128 + 15
      assertThat(db.exitValue()).as(db.tail()).isEqualTo(143);
      assertThat(data.resolve("pg").resolve("postmaster.pid")).as("PostgreSQL was stopped with the JVM").doesNotExist();
      assertThatThrownBy(() -> TestDatabase.connect(url).close()).as("nothing answers on the port any more")
          .isInstanceOf(SQLException.class);
    }
  }

  /** The URL line, once the command has printed it; fails at once if the command exited first. */
  private static Optional<String> printedUrl(NodeProcess db) {
    if (!db.alive()) {
      throw new AssertionError("db exited with " + db.exitValue() + " before printing its URL:\n" + db.tail());
    }
    Matcher m = URL.matcher(db.log());
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }
}
