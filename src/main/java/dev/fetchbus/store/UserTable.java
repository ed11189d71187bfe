package dev.fetchbus.store;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** All SQL for {@code users}. Keys are stored only as SHA-256 hashes. */
public final class UserTable {
  public static final String UNIQUE_VIOLATION = "23505";

  public record User(long id, String name, String role, byte[] keyHash, OffsetDateTime createdAt) {
    public boolean isAdmin() {
      return "admin".equals(role);
    }

    /** A key made only for scrapers and dashboards: it reads /metrics and /ops/stats, nothing else. */
    public boolean isMetricsOnly() {
      return METRICS.equals(role);
    }

    public boolean readsMetrics() {
      return isAdmin() || isMetricsOnly();
    }
  }

  public static final String METRICS = "metrics";

  /** Raised when a user of that name already exists. */
  public static final class DuplicateUser extends RuntimeException {
    public DuplicateUser(String name) {
      super("A user named '" + name + "' already exists");
    }
  }

  private static final String COLUMNS = "id, name, role, key_hash, created_at";
  private final Pool pool;

  public UserTable(Pool pool) {
    this.pool = pool;
  }

  public Future<User> insert(String name, byte[] keyHash, String role) {
    return pool.preparedQuery("insert into users (name, key_hash, role) values ($1, $2, $3) returning " + COLUMNS)
        .execute(Tuple.of(name, io.vertx.core.buffer.Buffer.buffer(keyHash), role))
        .map(rows -> toUser(rows.iterator().next()))
        .recover(err -> Future.failedFuture(isUniqueViolation(err) ? new DuplicateUser(name) : err));
  }

  /**
   * Keys are 256-bit random strings, so an unsalted SHA-256 is a safe stored form. The hash is
   * looked up by index, then compared in constant time.
   */
  public static byte[] keyHash(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The user whose key this is; empty for an unknown key. */
  public Future<Optional<User>> findByKey(String key) {
    byte[] presented = keyHash(key);
    return findByKeyHash(presented)
        .map(found -> found.filter(user -> MessageDigest.isEqual(presented, user.keyHash())));
  }

  public Future<Optional<User>> findByKeyHash(byte[] keyHash) {
    return pool.preparedQuery("select " + COLUMNS + " from users where key_hash = $1")
        .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(keyHash)))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toUser(rows.iterator().next())));
  }

  public Future<List<User>> list() {
    return pool.query("select " + COLUMNS + " from users order by id").execute().map(rows -> {
      List<User> users = new ArrayList<>();
      rows.forEach(row -> users.add(toUser(row)));
      return users;
    });
  }

  public Future<Boolean> adminExists() {
    return pool.query("select exists (select 1 from users where role = 'admin')").execute()
        .map(rows -> rows.iterator().next().getBoolean(0));
  }

  /** Creates the admin named {@code name} unless it exists; true when this call created it. */
  public Future<Boolean> insertAdminIfAbsent(String name, byte[] keyHash) {
    return pool.preparedQuery("insert into users (name, key_hash, role) values ($1, $2, 'admin') "
            + "on conflict do nothing returning id")
        .execute(Tuple.of(name, io.vertx.core.buffer.Buffer.buffer(keyHash)))
        .map(rows -> rows.size() == 1);
  }

  /**
   * Creates the admin named {@code name}, or gives the existing one this key. Safe when several API
   * instances or nodes run it at once: the insert skips any conflict, the update is idempotent.
   */
  public Future<Void> upsertAdmin(String name, byte[] keyHash) {
    io.vertx.core.buffer.Buffer hash = io.vertx.core.buffer.Buffer.buffer(keyHash);
    return pool.preparedQuery("insert into users (name, key_hash, role) values ($1, $2, 'admin') on conflict do nothing")
        .execute(Tuple.of(name, hash))
        .compose(inserted -> pool.preparedQuery("update users set key_hash = $2, role = 'admin' "
                + "where name = $1 and (key_hash <> $2 or role <> 'admin')")
            .execute(Tuple.of(name, hash)))
        .mapEmpty();
  }

  static boolean isUniqueViolation(Throwable err) {
    return err instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState());
  }

  private static User toUser(Row row) {
    return new User(row.getLong("id"), row.getString("name"), row.getString("role"),
        row.getBuffer("key_hash").getBytes(), row.getOffsetDateTime("created_at"));
  }
}
