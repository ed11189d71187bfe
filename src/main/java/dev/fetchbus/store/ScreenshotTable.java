package dev.fetchbus.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/**
 * All SQL for {@code screenshots}: which PNG in the content store is a rendered record's
 * screenshot. The PNG and its row commit together, under the purge lock held shared, so a purge
 * running at the same time either has finished (and the body is written again) or waits and then
 * sees the row that uses it.
 */
public final class ScreenshotTable {
  private final Pool pool;

  public ScreenshotTable(Pool pool) {
    this.pool = pool;
  }

  /** Keeps {@code png} (SHA-256 {@code hash}, hex) as the screenshot of record {@code urlId} of {@code jobId}. */
  public Future<Void> put(long jobId, long urlId, String hash, byte[] png) {
    return pool.withTransaction(conn -> conn.query("select pg_advisory_xact_lock_shared(" + BodyTable.PURGE_LOCK + ")")
        .execute()
        .compose(v -> conn.preparedQuery("insert into bodies (hash, codec, size, stored, data) "
            + "values (decode($1, 'hex'), 'none', $2, $2, $3) on conflict (hash) do nothing")
            .execute(Tuple.of(hash, (long) png.length, Buffer.buffer(png))))
        .compose(v -> conn.preparedQuery("insert into screenshots (job_id, url_id, hash) "
            + "values ($1, $2, decode($3, 'hex')) on conflict (job_id, url_id) do update set hash = excluded.hash")
            .execute(Tuple.of(jobId, urlId, hash)))
        .mapEmpty());
  }

  /** The hash (hex) of the record's screenshot, if one was kept. */
  public Future<Optional<String>> hash(long jobId, long urlId) {
    return pool.preparedQuery("select encode(hash, 'hex') from screenshots where job_id = $1 and url_id = $2")
        .execute(Tuple.of(jobId, urlId))
        .map((RowSet<Row> rows) -> rows.size() == 0 ? Optional.empty()
            : Optional.of(rows.iterator().next().getString(0)));
  }
}
