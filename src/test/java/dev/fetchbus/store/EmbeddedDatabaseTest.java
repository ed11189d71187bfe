package dev.fetchbus.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The embedded PostgreSQL requires a password, kept in its data directory with mode 0600")
class EmbeddedDatabaseTest {
  @TempDir
  Path data;

  private static Connection connect(int port, String password) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", password);
  }

  private static String password(String url) {
    String userInfo = URI.create(url).getRawUserInfo();
    return URLDecoder.decode(userInfo.substring(userInfo.indexOf(':') + 1), StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName(
      "no connection without the password, scram-sha-256 in pg_hba.conf, and the same password after a restart")
  void passwordRequired() throws Exception {
    Path dir = data.resolve("pg");
    String firstUrl;
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0)) {
      firstUrl = db.url("postgres");
      assertThatThrownBy(() -> connect(db.port(), "")).isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> connect(db.port(), "wrong")).isInstanceOf(SQLException.class)
          .hasMessageContaining("password authentication failed");
      try (Connection conn = connect(db.port(), password(firstUrl)); Statement st = conn.createStatement();
          ResultSet rows =
              st.executeQuery("select rolpassword like 'SCRAM-SHA-256$%' from pg_authid where rolname = 'postgres'")) {
        rows.next();
        assertThat(rows.getBoolean(1)).as("stored as a SCRAM verifier").isTrue();
      }
    }
    Path secret = dir.resolve(EmbeddedPassword.FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
    assertThat(Files.readAllLines(dir.resolve("pg_hba.conf"))).filteredOn(l -> !l.strip().startsWith("#"))
        .noneMatch(l -> l.matches(".*\\btrust\\s*$")).anyMatch(l -> l.contains("scram-sha-256"));

    try (EmbeddedDatabase again = EmbeddedDatabase.start(dir, 0)) {
      assertThat(password(again.url("postgres"))).isEqualTo(password(firstUrl));
      try (Connection conn = connect(again.port(), password(firstUrl))) {
        assertThat(conn.isValid(5)).isTrue();
      }
    }
  }
}
