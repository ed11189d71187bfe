package dev.fetchbus.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Real PostgreSQL for tests: {@code FETCHBUS_TEST_PG_URL} when set (a superuser URL), else one
 * embedded server per test JVM. Every caller gets a database of its own, so runs never collide.
 */
public final class TestDatabase {
  private static final String EXTERNAL = System.getenv("FETCHBUS_TEST_PG_URL");
  private static EmbeddedPostgres embedded;

  private TestDatabase() {}

  /** Creates a fresh database and returns its {@code postgresql://} URL. */
  public static synchronized String create() {
    String name = "fb_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    execute("create database " + name);
    return serverUrl() + "/" + name;
  }

  public static void drop(String url) {
    String name = url.substring(url.lastIndexOf('/') + 1);
    execute("drop database if exists " + name + " with (force)");
  }

  /** A JDBC connection to a database made by {@link #create}, for assertions made directly in SQL. */
  public static Connection connect(String url) throws SQLException {
    URI uri = URI.create(url);
    String user = uri.getUserInfo() == null ? "postgres" : uri.getUserInfo().split(":")[0];
    String password = uri.getUserInfo() != null && uri.getUserInfo().contains(":") ? uri.getUserInfo().split(":", 2)[1]
        : "";
    return DriverManager.getConnection("jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath(), user,
        password);
  }

  private static void execute(String sql) {
    try (Connection conn = connect(serverUrl() + "/postgres"); Statement st = conn.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("Test database setup failed: " + sql, e);
    }
  }

  /** The server part of the URL, without a database name. */
  private static synchronized String serverUrl() {
    if (EXTERNAL != null && !EXTERNAL.isBlank()) {
      return EXTERNAL.replaceFirst("/[^/]*$", "");
    }
    if (embedded == null) {
      try {
        embedded = EmbeddedPostgres.builder().setLocaleConfig("locale", "C").setServerConfig("max_connections", "300")
            .start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return "postgresql://postgres@127.0.0.1:" + embedded.getPort();
  }
}
