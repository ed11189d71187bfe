package dev.fetchbus.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.PreparedStatement;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.function.Function;

/**
 * All SQL for {@code pages}. A batch of records is one statement: the records whose URL this node
 * still leases are inserted and their queue rows deleted, atomically; a record with an error is a
 * failed URL, one without a done URL. A record whose lease was lost (the node stalled and another
 * took over) is dropped, and a second write of the same URL hits the primary key and is a no-op:
 * that is what makes results exactly-once.
 */
public final class PageTable {
  static final String WRITE = """
      with rec as (
        select * from unnest($2::bigint[], $3::bigint[], $4::text[], $5::int[], $6::text[], $7::bigint[],
                             $8::bool[], $9::text[], $10::text[], $11::int[], $12::int[], $13::text[], $14::text[],
                             $15::bigint[], $16::int[], $17::int[], $18::text[], $19::text[], $20::bool[])
          as r(url_id, job_id, final_url, status, content_type, bytes, truncated, title, content_hash, links,
               redirects, etag, last_modified, fetched_ms, elapsed_ms, attempts, error_code, error_message,
               not_modified)),
      owned as (
        delete from queue q
        where q.url_id = any($2::bigint[]) and q.leased_by = $1
        returning q.url_id),
      ins as (
        insert into pages (job_id, url_id, final_url, status, content_type, bytes, truncated, title, content_hash,
                           links, redirects, etag, last_modified, fetched_at, elapsed_ms, attempts, error_code,
                           error_message, not_modified)
        select rec.job_id, rec.url_id, rec.final_url, rec.status, rec.content_type, rec.bytes, rec.truncated,
               rec.title, rec.content_hash, rec.links, rec.redirects, rec.etag, rec.last_modified,
               to_timestamp(rec.fetched_ms / 1000.0), rec.elapsed_ms, rec.attempts, rec.error_code, rec.error_message,
               rec.not_modified
        from rec join owned on owned.url_id = rec.url_id
        on conflict do nothing
        returning url_id, etag, last_modified, content_hash, error_code),
      -- reads what ins returned rather than joining rec again: with a generic plan (estimated 10 rows
      -- per array) such a join became a nested loop over both CTEs, 250,000 comparisons per batch.
      remembered as (
        insert into validators (url_hash, etag, last_modified, content_hash)
        select distinct on (f.url_hash) f.url_hash, ins.etag, ins.last_modified, ins.content_hash
        from ins join frontier f on f.id = ins.url_id
        where ins.error_code is null and (ins.etag is not null or ins.last_modified is not null)
        on conflict (url_hash) do update
          set etag = excluded.etag, last_modified = excluded.last_modified, content_hash = excluded.content_hash,
              updated_at = now()
        returning 1)
      select url_id from ins""";

  /** The export columns, in URL order, resumable after any URL id. */
  public static final String EXPORT = """
      select p.url_id, f.url, p.final_url, p.status, p.content_type, p.bytes, p.truncated, p.title, p.content_hash,
             p.fetched_at, p.elapsed_ms, p.redirects, p.error_code, p.error_message, p.links, f.depth, p.attempts,
             p.etag, p.last_modified, f.kind, parent.url as discovered_from, p.not_modified
      from pages p join frontier f on f.id = p.url_id
      left join frontier parent on parent.id = f.discovered_from
      where p.job_id = $1 and p.url_id > $2
      order by p.url_id""";

  private final Pool pool;

  public PageTable(Pool pool) {
    this.pool = pool;
  }

  /** Writes the records this node still owns; returns the URL ids that were committed. */
  public Future<java.util.Set<Long>> write(SqlClient client, String nodeId, List<PageRecord> records) {
    return client.preparedQuery(WRITE).execute(Tuple.from(new Object[] {
        nodeId,
        column(records, PageRecord::urlId, Long[]::new),
        column(records, PageRecord::jobId, Long[]::new),
        column(records, PageRecord::finalUrl, String[]::new),
        column(records, PageRecord::status, Integer[]::new),
        column(records, PageRecord::contentType, String[]::new),
        column(records, PageRecord::bytes, Long[]::new),
        column(records, PageRecord::truncated, Boolean[]::new),
        column(records, PageRecord::title, String[]::new),
        column(records, PageRecord::contentHash, String[]::new),
        column(records, PageRecord::links, Integer[]::new),
        column(records, PageRecord::redirects, Integer[]::new),
        column(records, PageRecord::etag, String[]::new),
        column(records, PageRecord::lastModified, String[]::new),
        column(records, PageRecord::fetchedAtMs, Long[]::new),
        column(records, PageRecord::elapsedMs, Integer[]::new),
        column(records, PageRecord::attempts, Integer[]::new),
        column(records, PageRecord::errorCode, String[]::new),
        column(records, PageRecord::errorMessage, String[]::new),
        column(records, PageRecord::notModified, Boolean[]::new)}))
        .map(rows -> {
          java.util.Set<Long> committed = new java.util.HashSet<>(rows.size() * 2);
          rows.forEach(row -> committed.add(row.getLong(0)));
          return committed;
        });
  }

  /**
   * Streams a job's records from a server-side cursor, {@code fetchSize} rows at a time, inside
   * a read-only transaction that {@code consumer} ends by completing its future.
   */
  public Future<Void> stream(long jobId, long afterUrlId, int fetchSize, Function<RowStream<Row>, Future<Void>> consumer) {
    return pool.withTransaction(conn -> conn.prepare(EXPORT)
        .compose((PreparedStatement ps) -> consumer.apply(ps.createStream(fetchSize, Tuple.of(jobId, afterUrlId)))));
  }

  private static <T> T[] column(List<PageRecord> records, Function<PageRecord, T> field,
      java.util.function.IntFunction<T[]> array) {
    T[] values = array.apply(records.size());
    for (int i = 0; i < values.length; i++) {
      values[i] = field.apply(records.get(i));
    }
    return values;
  }
}
