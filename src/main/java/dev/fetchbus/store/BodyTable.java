package dev.fetchbus.store;

import dev.fetchbus.content.StoredBody;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/**
 * All SQL for {@code bodies}, the content store, except the insert, which is part of the page
 * write ({@link PageTable}) because a record and its body commit together.
 */
public final class BodyTable {
  /**
   * The advisory lock between page writes (shared, taken by the write statement) and a purge's
   * body deletion (exclusive): a purge never deletes a body that a write in progress is about to
   * point at, because the write's check that the body is stored and its commit happen under it.
   */
  static final long PURGE_LOCK = 0x666574636862L;
  private static final String JOB_USAGE = """
      select count(*) as bodies, coalesce(sum(b.size), 0) as size, coalesce(sum(b.stored), 0) as stored
      from bodies b where b.hash in (select body_hash from pages where job_id = $1 and body_hash is not null)""";

  private final Pool pool;

  public BodyTable(Pool pool) {
    this.pool = pool;
  }

  /** A stored body by its SHA-256 (hex), still compressed. */
  public Future<Optional<StoredBody>> read(String hash) {
    return pool.preparedQuery("select codec, size, data from bodies where hash = decode($1, 'hex')")
        .execute(Tuple.of(hash))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row row = rows.iterator().next();
          return Optional.of(new StoredBody(hash, row.getString(0), row.getLong(1), row.getBuffer(2).getBytes()));
        });
  }

  /**
   * What a job's records keep in the content store: distinct bodies, their bytes before and after
   * compression. A body shared with other jobs counts for each of them.
   */
  public Future<JsonObject> jobUsage(long jobId) {
    return pool.preparedQuery(JOB_USAGE).execute(Tuple.of(jobId)).map(rows -> {
      Row row = rows.iterator().next();
      return new JsonObject().put("bodies", row.getLong("bodies")).put("bodyBytes", row.getLong("size"))
          .put("storedBytes", row.getLong("stored"));
    });
  }

  /**
   * Notes which bodies a job's records (and their screenshots) use, before they are deleted (a temporary table of this
   * transaction).
   */
  static Future<Void> rememberCandidates(SqlClient client, long jobId) {
    return client.preparedQuery("create temp table purge_candidates on commit drop as "
            + "select distinct body_hash as hash from pages where job_id = $1 and body_hash is not null "
            + "union select hash from screenshots where job_id = $1")
        .execute(Tuple.of(jobId)).mapEmpty();
  }

  /** Deletes the remembered bodies that no record uses any more; returns how many and their stored bytes. */
  static Future<long[]> deleteUnreferenced(SqlClient client) {
    return client.query("""
            with freed as (
              delete from bodies b using purge_candidates c
              where b.hash = c.hash and not exists (select 1 from pages p where p.body_hash = b.hash)
                and not exists (select 1 from screenshots s where s.hash = b.hash)
              returning b.stored)
            select count(*), coalesce(sum(stored), 0) from freed""").execute()
        .map(rows -> new long[] {rows.iterator().next().getLong(0), rows.iterator().next().getLong(1)});
  }

  static Future<Void> lockForPurge(SqlClient client) {
    return client.query("select pg_advisory_xact_lock(" + PURGE_LOCK + ")").execute().mapEmpty();
  }

  /** The content store's size on disk (table, TOAST and index), for the node's gauge. */
  public Future<Long> totalBytes() {
    return pool.query("select pg_total_relation_size('bodies')").execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }
}
