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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
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
 * Each applied file's SHA-256 is kept in {@code schema_version}: a node refuses to start when an
 * applied migration was edited since, when one is missing from its build, or when the database is
 * at a version newer than the build knows (an older node must not write a schema it does not
 * understand). Rows from before checksums were kept get theirs at the next start.
 */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);
  private static final String LOCATION = "db/migration";
  private static final Pattern FILE = Pattern.compile("V(\\d+)__(.+)\\.sql");
  private static final long LOCK_ID = 0x66657463686275L; // "fetchbu"

  record Migration(int version, String name, String sql) {
    String checksum() {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
            .digest(sql.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** What {@code schema_version} says was applied. */
  private record Applied(int version, String name, String checksum) {}

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
        .compose(quiet -> conn.query("create table if not exists schema_version "
            + "(version int primary key, name text not null, applied_at timestamptz not null default now())")
            .execute())
        .compose(created -> conn.query("alter table schema_version add column if not exists checksum text").execute())
        .compose(added -> conn.query("select version, name, checksum from schema_version order by version").execute())
        .compose(rows -> {
          List<Applied> applied = new ArrayList<>();
          rows.forEach(row -> applied.add(new Applied(row.getInteger(0), row.getString(1), row.getString(2))));
          return verify(conn, applied, all).map(applied.isEmpty() ? 0 : applied.get(applied.size() - 1).version());
        })
        .compose(current -> {
          Future<Integer> chain = Future.succeededFuture(current);
          for (Migration m : all) {
            if (m.version() > current) {
              chain = chain.compose(v -> apply(conn, m));
            }
          }
          return chain;
        });
  }

  /** Refuses a database this build must not touch; fills in checksums that were never kept. */
  private static Future<Void> verify(SqlConnection conn, List<Applied> applied, List<Migration> all) {
    Map<Integer, Migration> known = new HashMap<>();
    all.forEach(m -> known.put(m.version(), m));
    int newest = all.isEmpty() ? 0 : all.get(all.size() - 1).version();
    Future<Void> chain = Future.succeededFuture();
    for (Applied row : applied) {
      Migration file = known.get(row.version());
      if (row.version() > newest) {
        return Future.failedFuture(new IllegalStateException("The database's schema is at V" + row.version() + " ("
            + row.name() + "), newer than this build knows (V" + newest
            + "): run the fetchbus that migrated it, or a newer one"));
      }
      if (file == null) {
        return Future.failedFuture(new IllegalStateException("Migration V" + row.version() + " (" + row.name()
            + ") was applied to the database but is missing from this build"));
      }
      if (row.checksum() == null) {
        chain = chain.compose(v -> conn.preparedQuery("update schema_version set checksum = $2 where version = $1")
            .execute(Tuple.of(row.version(), file.checksum())).mapEmpty());
      } else if (!row.checksum().equals(file.checksum())) {
        return Future.failedFuture(new IllegalStateException("Migration V" + row.version() + " (" + row.name()
            + ") was edited after it was applied: its SHA-256 was " + row.checksum() + ", the file's is now "
            + file.checksum() + ". Add a new migration instead of editing an applied one"));
      }
    }
    return chain;
  }

  private static Future<Integer> apply(SqlConnection conn, Migration m) {
    log.info("Applying migration V{} {}", m.version(), m.name());
    return conn.begin().compose(tx -> conn.query(m.sql()).execute()
        .compose(done -> conn.preparedQuery("insert into schema_version (version, name, checksum) values ($1, $2, $3)")
            .execute(Tuple.of(m.version(), m.name(), m.checksum())))
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
      return new Migration(Integer.parseInt(m.group(1)), m.group(2),
          new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
