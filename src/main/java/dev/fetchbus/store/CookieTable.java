package dev.fetchbus.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** All SQL for {@code job_cookies}, the jobs' cookie jars. */
public final class CookieTable {
  /** Last writer wins: a node whose write is older than what another node stored does not undo it. */
  private static final String UPSERT = """
      insert into job_cookies (job_id, domain, path, name, value, host_only, secure, expires_ms, updated_ms)
      values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
      on conflict (job_id, domain, path, name) do update set value = excluded.value, host_only = excluded.host_only,
        secure = excluded.secure, expires_ms = excluded.expires_ms, updated_ms = excluded.updated_ms
      where job_cookies.updated_ms <= excluded.updated_ms""";

  private final Pool pool;

  public CookieTable(Pool pool) {
    this.pool = pool;
  }

  public Future<List<StoredCookie>> read(long jobId) {
    return pool.preparedQuery("select domain, path, name, value, host_only, secure, expires_ms, updated_ms "
        + "from job_cookies where job_id = $1").execute(Tuple.of(jobId)).map(rows -> {
          List<StoredCookie> cookies = new ArrayList<>(rows.size());
          for (Row row : rows) {
            cookies.add(new StoredCookie(row.getString(0), row.getString(1), row.getString(2), row.getString(3),
                row.getBoolean(4), row.getBoolean(5), row.getLong(6), row.getLong(7)));
          }
          return cookies;
        });
  }

  /** Stores what responses set (or deleted), in one batch. */
  public Future<Void> upsert(long jobId, List<StoredCookie> cookies) {
    if (cookies.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>(cookies.size());
    for (StoredCookie c : cookies) {
      batch.add(Tuple.of(jobId, c.domain(), c.path(), c.name(), c.value(), c.hostOnly(), c.secure())
          .addValue(c.expiresMs()).addValue(c.updatedMs()));
    }
    return pool.preparedQuery(UPSERT).executeBatch(batch).mapEmpty();
  }
}
