package dev.fetchbus.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned SQL files under {@code db/migration} ({@code V<n>__<name>.sql}) in order,
 * each in its own transaction, under an advisory lock so that nodes starting together take turns.
 */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);
  private static final String LOCATION = "db/migration";
  private static final Pattern FILE = Pattern.compile("V(\\d+)__(.+)\\.sql");
  private static final long LOCK_ID = 0x66657463686275L; // "fetchbu"

  record Migration(int version, String name, String sql) {}

  private Migrations() {}

  /** Returns the schema version now in force. Reading the classpath happens on a worker thread. */
  public static Future<Integer> migrate(Vertx vertx, Pool pool) {
    return vertx.executeBlocking(Migrations::list).compose(all -> pool.getConnection().compose(conn ->
        conn.query("select pg_advisory_lock(" + LOCK_ID + ")").execute()
        .compose(locked -> applyPending(conn, all))
        .eventually(() -> conn.query("select pg_advisory_unlock(" + LOCK_ID + ")").execute()
            .eventually(conn::close))));
  }

  private static Future<Integer> applyPending(SqlConnection conn, List<Migration> all) {
    return conn.query("set client_min_messages = warning").execute()
        .compose(quiet -> conn.query("create table if not exists schema_version (version int primary key, name text not null, "
            + "applied_at timestamptz not null default now())").execute())
        .compose(created -> conn.query("select coalesce(max(version), 0) from schema_version").execute())
        .compose(rows -> {
          int current = rows.iterator().next().getInteger(0);
          Future<Integer> chain = Future.succeededFuture(current);
          for (Migration m : all) {
            if (m.version() > current) {
              chain = chain.compose(v -> apply(conn, m));
            }
          }
          return chain;
        });
  }

  private static Future<Integer> apply(SqlConnection conn, Migration m) {
    log.info("Applying migration V{} {}", m.version(), m.name());
    return conn.begin().compose(tx -> conn.query(m.sql()).execute()
        .compose(done -> conn.preparedQuery("insert into schema_version (version, name) values ($1, $2)")
            .execute(Tuple.of(m.version(), m.name())))
        .compose(done -> tx.commit())
        .map(m.version())
        .onFailure(err -> tx.rollback()));
  }

  static List<Migration> list() {
    URL url = Migrations.class.getClassLoader().getResource(LOCATION);
    if (url == null) {
      throw new IllegalStateException(LOCATION + " is missing from the classpath");
    }
    try {
      URI uri = url.toURI();
      if ("jar".equals(uri.getScheme())) {
        try (FileSystem fs = jarFileSystem(uri)) {
          return read(fs.getPath(LOCATION));
        }
      }
      return read(Path.of(uri));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static FileSystem jarFileSystem(URI uri) throws IOException {
    try {
      FileSystems.getFileSystem(uri).close();
    } catch (FileSystemNotFoundException e) {
      // not open yet: the usual case
    }
    return FileSystems.newFileSystem(uri, Map.of());
  }

  private static List<Migration> read(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(Migrations::parse).filter(m -> m != null)
          .sorted(Comparator.comparingInt(Migration::version)).toList();
    }
  }

  private static Migration parse(Path file) {
    Matcher m = FILE.matcher(file.getFileName().toString());
    if (!m.matches()) {
      return null;
    }
    try (InputStream in = Files.newInputStream(file)) {
      return new Migration(Integer.parseInt(m.group(1)), m.group(2), new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
