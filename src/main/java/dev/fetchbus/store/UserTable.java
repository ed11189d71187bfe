package dev.fetchbus.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
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

/**
 * All SQL for {@code users} and their {@code api_keys}. Keys are stored only as SHA-256 hashes,
 * looked up on every request (no cache), so a revoked key or a disabled user is refused by every
 * node at once.
 */
public final class UserTable {
  public static final String UNIQUE_VIOLATION = "23505";
  public static final String METRICS = "metrics";
  /** Keys one user may hold at once: two, so that a key can be rotated without downtime. */
  public static final int MAX_KEYS = 2;

  /** A user; {@code keyHash} is that of the key it was found by, if any. */
  public record User(long id, String name, String role, boolean disabled, OffsetDateTime createdAt, byte[] keyHash,
      LimitOverrides overrides) {
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

  /** One of a user's keys, without the key. */
  public record Key(long id, OffsetDateTime createdAt) {}

  /** Raised when a user of that name already exists. */
  public static final class DuplicateUser extends RuntimeException {
    public DuplicateUser(String name) {
      super("A user named '" + name + "' already exists");
    }
  }

  private static final String COLUMNS = "u.id, u.name, u.role, u.disabled, u.created_at, " + LimitOverrides.COLUMNS;

  /** A user found by its key, and how many requests it has made in the current second (this one included). */
  public record Caller(User user, int requestsThisSecond) {}
  private final Pool pool;

  public UserTable(Pool pool) {
    this.pool = pool;
  }

  /** Creates a user with its first key. */
  public Future<User> insert(String name, byte[] keyHash, String role) {
    return pool.preparedQuery("""
            with u as (insert into users (name, role) values ($1, $3) returning *),
            k as (insert into api_keys (user_id, key_hash) select id, $2 from u returning id)
            select %s from u""".formatted(COLUMNS))
        .execute(Tuple.of(name, Buffer.buffer(keyHash), role))
        .map(rows -> toUser(rows.iterator().next(), keyHash))
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

  /** The user whose key this is; empty for an unknown key or a deleted user. */
  public Future<Optional<User>> findByKey(String key) {
    byte[] presented = keyHash(key);
    return pool.preparedQuery("select " + COLUMNS + ", k.key_hash from api_keys k "
            + "join users u on u.id = k.user_id where k.key_hash = $1 and u.deleted_at is null")
        .execute(Tuple.of(Buffer.buffer(presented)))
        .map(rows -> rows.size() == 0 ? Optional.<User>empty()
            : Optional.of(toUser(rows.iterator().next(), rows.iterator().next().getBuffer("key_hash").getBytes())))
        .map(found -> found.filter(user -> MessageDigest.isEqual(presented, user.keyHash())));
  }

  /**
   * {@link #findByKey}, counting the request against the user's requests per second in the same
   * statement (a fixed one-second window in {@code request_counts}, shared by every node).
   */
  public Future<Optional<Caller>> admit(String key) {
    byte[] presented = keyHash(key);
    return pool.preparedQuery("""
            with u as (select %s, k.key_hash from api_keys k join users u on u.id = k.user_id
                       where k.key_hash = $1 and u.deleted_at is null),
            tick as (insert into request_counts as c (user_id, second, n)
                     select id, floor(extract(epoch from clock_timestamp()))::bigint, 1 from u
                     on conflict (user_id) do update
                     set n = case when c.second = excluded.second then c.n + 1 else 1 end, second = excluded.second
                     returning n)
            select u.*, (select n from tick) as requests from u""".formatted(COLUMNS))
        .execute(Tuple.of(Buffer.buffer(presented)))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.<Caller>empty();
          }
          Row row = rows.iterator().next();
          User user = toUser(row, row.getBuffer("key_hash").getBytes());
          return MessageDigest.isEqual(presented, user.keyHash())
              ? Optional.of(new Caller(user, row.getInteger("requests"))) : Optional.<Caller>empty();
        });
  }

  public Future<Optional<User>> find(long id) {
    return pool.preparedQuery("select " + COLUMNS + " from users u where u.id = $1 and u.deleted_at is null")
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toUser(rows.iterator().next(), null)));
  }

  public Future<List<User>> list() {
    return pool.query("select " + COLUMNS + " from users u where u.deleted_at is null order by u.id").execute()
        .map(rows -> {
          List<User> users = new ArrayList<>();
          rows.forEach(row -> users.add(toUser(row, null)));
          return users;
        });
  }

  public Future<List<Key>> keys(long userId) {
    return pool.preparedQuery("select id, created_at from api_keys where user_id = $1 order by id")
        .execute(Tuple.of(userId)).map(rows -> {
          List<Key> keys = new ArrayList<>();
          rows.forEach(row -> keys.add(new Key(row.getLong("id"), row.getOffsetDateTime("created_at"))));
          return keys;
        });
  }

  /**
   * Gives the user another key, unless it holds {@link #MAX_KEYS} already (or is gone): answers the
   * new key's id, or empty. The user's row is locked, so two calls at once cannot both pass the count.
   */
  public Future<Optional<Long>> addKey(long userId, byte[] keyHash) {
    return pool.withTransaction(conn -> conn.preparedQuery(
            "select id from users where id = $1 and deleted_at is null for update").execute(Tuple.of(userId))
        .compose(user -> user.size() == 0 ? Future.succeededFuture(Optional.<Long>empty())
            : conn.preparedQuery("insert into api_keys (user_id, key_hash) select $1, $2 "
                    + "where (select count(*) from api_keys where user_id = $1) < $3 returning id")
                .execute(Tuple.of(userId, Buffer.buffer(keyHash), MAX_KEYS))
                .map(rows -> rows.size() == 0 ? Optional.<Long>empty()
                    : Optional.of(rows.iterator().next().getLong(0)))));
  }

  /** Revokes one key of the user; false when it has no such key. */
  public Future<Boolean> revokeKey(long userId, long keyId) {
    return pool.preparedQuery("delete from api_keys where user_id = $1 and id = $2")
        .execute(Tuple.of(userId, keyId)).map(rows -> rows.rowCount() == 1);
  }

  /** Sets a user's own limits; a null is the configuration's default. */
  public Future<Optional<User>> setLimits(long userId, LimitOverrides limits) {
    return pool.preparedQuery("update users u set max_active_jobs = $2, max_active_urls = $3, "
            + "max_concurrent_fetches = $4, max_requests_per_second = $5 "
            + "where id = $1 and deleted_at is null returning " + COLUMNS)
        .execute(Tuple.of(userId, limits.activeJobs(), limits.activeUrls(), limits.concurrentFetches(),
            limits.requestsPerSecond()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toUser(rows.iterator().next(), null)));
  }

  public Future<Optional<User>> setDisabled(long userId, boolean disabled) {
    return pool.preparedQuery("update users u set disabled = $2 where id = $1 and deleted_at is null returning "
            + COLUMNS)
        .execute(Tuple.of(userId, disabled))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toUser(rows.iterator().next(), null)));
  }

  /**
   * Deletes a user: its keys go at once; the row stays, marked deleted, so its jobs keep their owner
   * (an admin may still read or purge them) and its name stays taken. False when there is no such user.
   */
  public Future<Boolean> delete(long userId) {
    return pool.preparedQuery("""
            with gone as (update users set deleted_at = now(), disabled = true
                          where id = $1 and deleted_at is null returning id),
            keys as (delete from api_keys where user_id in (select id from gone) returning 1)
            select count(*) from gone""")
        .execute(Tuple.of(userId))
        .map(rows -> rows.iterator().next().getLong(0) == 1);
  }

  public Future<Boolean> adminExists() {
    return pool.query("select exists (select 1 from users where role = 'admin' and deleted_at is null)").execute()
        .map(rows -> rows.iterator().next().getBoolean(0));
  }

  /**
   * Creates the admin named {@code name} with this key unless an admin of that name exists; true when this call
   * created it.
   */
  public Future<Boolean> insertAdminIfAbsent(String name, byte[] keyHash) {
    return pool.preparedQuery("""
            with u as (insert into users (name, role) values ($1, 'admin') on conflict do nothing returning id)
            insert into api_keys (user_id, key_hash) select id, $2 from u returning id""")
        .execute(Tuple.of(name, Buffer.buffer(keyHash)))
        .map(rows -> rows.size() == 1);
  }

  /**
   * Creates the admin named {@code name}, or makes this key its only key (the configured key is the
   * admin's: changing {@code FETCHBUS_ADMIN_KEY} retires the old one). Safe when several API
   * instances or nodes run it at once: each step skips conflicts and is idempotent.
   */
  public Future<Void> upsertAdmin(String name, byte[] keyHash) {
    Buffer hash = Buffer.buffer(keyHash);
    return pool.withTransaction(conn -> conn.preparedQuery(
            "insert into users (name, role) values ($1, 'admin') on conflict (name) do update "
                + "set role = 'admin', disabled = false, deleted_at = null returning id")
        .execute(Tuple.of(name))
        .compose(rows -> {
          long id = rows.iterator().next().getLong(0);
          return conn.preparedQuery("delete from api_keys where user_id = $1 and key_hash <> $2")
              .execute(Tuple.of(id, hash))
              .compose(v -> conn.preparedQuery("insert into api_keys (user_id, key_hash) values ($1, $2) "
                  + "on conflict (key_hash) do nothing").execute(Tuple.of(id, hash)));
        }))
        .mapEmpty();
  }

  static boolean isUniqueViolation(Throwable err) {
    return err instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState());
  }

  private static User toUser(Row row, byte[] keyHash) {
    return new User(row.getLong("id"), row.getString("name"), row.getString("role"), row.getBoolean("disabled"),
        row.getOffsetDateTime("created_at"), keyHash, LimitOverrides.of(row));
  }
}
