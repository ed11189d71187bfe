package dev.fetchbus.store;

import dev.fetchbus.content.Bytes;
import dev.fetchbus.content.PageFacts;
import dev.fetchbus.content.Response;
import dev.fetchbus.content.StoredBody;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * All SQL for {@code pages}. A batch of records is one statement: the records whose URL this node
 * still leases are inserted and their queue rows deleted, atomically; a record with an error is a
 * failed URL, one without a done URL. A record whose lease was lost (the node stalled and another
 * took over) is dropped, and a second write of the same URL hits the primary key and is a no-op:
 * that is what makes results exactly-once.
 */
public final class PageTable {
  static final String WRITE = """
      with guard as (select pg_advisory_xact_lock_shared(%d) as held),
      rec as (
        select * from unnest($2::bigint[], $3::bigint[], $4::text[], $5::int[], $6::text[], $7::bigint[],
                             $8::bool[], $9::text[], $10::text[], $11::int[], $12::int[], $13::text[], $14::text[],
                             $15::bigint[], $16::int[], $17::int[], $18::text[], $19::text[], $20::bool[],
                             $21::text[], $22::text[], $23::text[], $24::text[], $25::text[], $26::text[],
                             $27::text[], $28::text[], $29::bytea[], $34::text[])
          as r(url_id, job_id, final_url, status, content_type, bytes, truncated, title, content_hash, links,
               redirects, etag, last_modified, fetched_ms, elapsed_ms, attempts, error_code, error_message,
               not_modified, description, canonical, lang, outlinks, protocol, reason, request_headers,
               response_headers, body_hash, requisites)),
      owned as (
        delete from queue q
        where q.url_id = any($2::bigint[]) and q.leased_by = $1 and exists (select 1 from guard)
        returning q.url_id),
      ins as (
        insert into pages (job_id, url_id, final_url, status, content_type, bytes, truncated, title, content_hash,
                           links, redirects, etag, last_modified, fetched_at, elapsed_ms, attempts, error_code,
                           error_message, not_modified, description, canonical, lang, outlinks, protocol, reason,
                           request_headers, response_headers, requisites, body_hash)
        select rec.job_id, rec.url_id, rec.final_url, rec.status, rec.content_type, rec.bytes, rec.truncated,
               rec.title, rec.content_hash, rec.links, rec.redirects, rec.etag, rec.last_modified,
               to_timestamp(rec.fetched_ms / 1000.0), rec.elapsed_ms, rec.attempts, rec.error_code, rec.error_message,
               rec.not_modified, rec.description, rec.canonical, rec.lang, rec.outlinks, rec.protocol, rec.reason,
               rec.request_headers::jsonb, rec.response_headers::jsonb, rec.requisites,
               -- a 304 points at the body it revalidated only while that body is still stored
               case when rec.body_hash = any($30::bytea[])
                         or exists (select 1 from bodies b where b.hash = rec.body_hash)
                    then rec.body_hash end
        from rec join owned on owned.url_id = rec.url_id
        on conflict do nothing
        returning job_id, url_id, etag, last_modified, content_hash, error_code, body_hash),
      -- the bodies of the records just committed, one copy per distinct hash; in hash order, so two
      -- nodes storing the same bodies take the key locks in one order and cannot deadlock
      kept as (
        insert into bodies (hash, codec, size, stored, data)
        select b.hash, b.codec, b.size, length(b.data), b.data
        from unnest($30::bytea[], $31::text[], $32::bigint[], $33::bytea[]) as b(hash, codec, size, data)
        where b.hash in (select body_hash from ins)
        order by b.hash
        on conflict do nothing
        returning 1),
      -- reads what ins returned rather than joining rec again: with a generic plan (estimated 10 rows
      -- per array) such a join became a nested loop over both CTEs, 250,000 comparisons per batch.
      remembered as (
        insert into validators (url_hash, etag, last_modified, content_hash, page_job_id, page_url_id)
        select distinct on (f.url_hash) f.url_hash, ins.etag, ins.last_modified, ins.content_hash, ins.job_id,
               ins.url_id
        from ins join frontier f on f.id = ins.url_id
        where ins.error_code is null and (ins.etag is not null or ins.last_modified is not null)
        on conflict (url_hash) do update
          set etag = excluded.etag, last_modified = excluded.last_modified, content_hash = excluded.content_hash,
              page_job_id = excluded.page_job_id, page_url_id = excluded.page_url_id, updated_at = now()
        returning 1)
      select url_id from ins""".formatted(BodyTable.PURGE_LOCK);

  /** The export columns, in URL order, resumable after any URL id; {@link ExportColumns} adds the optional ones. */
  static final String EXPORT = """
      select p.url_id, f.url, p.final_url, p.status, p.content_type, p.bytes, p.truncated, p.title, p.content_hash,
             p.fetched_at, p.elapsed_ms, p.redirects, p.error_code, p.error_message, p.links, f.depth, p.attempts,
             p.etag, p.last_modified, f.kind, parent.url as discovered_from, p.not_modified, p.description,
             p.canonical, p.lang, p.protocol, p.body_hash is not null as body_stored%s
      from pages p join frontier f on f.id = p.url_id
      left join frontier parent on parent.id = f.discovered_from%s
      where p.job_id = $1 and p.url_id > $2
      order by p.url_id%s""";

  /** How many of the next records' stored bodies fit in $4 bytes; one at least. */
  private static final String BODY_PAGE_ROWS = """
      select greatest(1, count(*) filter (where running <= $4))::int from (
        select sum(coalesce(b.stored, 0)) over (order by p.url_id) as running
        from pages p left join bodies b on b.hash = p.body_hash
        where p.job_id = $1 and p.url_id > $2
        order by p.url_id limit $3) head""";

  /** The most stored body bytes one page of an export with bodies (WARC, body fields) reads at once. */
  static final long BODY_PAGE_BYTES = 4L << 20;

  private static final String PREVIOUS = """
      select p.content_type, p.bytes, p.title, p.description, p.canonical, p.lang, p.links, p.outlinks, p.requisites,
             exists (select 1 from bodies b where b.hash = p.body_hash) as body_stored
      from pages p where p.job_id = $1 and p.url_id = $2""";

  private final Pool pool;

  public PageTable(Pool pool) {
    this.pool = pool;
  }

  /** Deletes a job's records; returns how many there were. Part of a purge ({@link JobPurge}). */
  static Future<Long> deleteJob(SqlClient client, long jobId) {
    return client.preparedQuery(
        "with gone as (delete from pages where job_id = $1 returning 1) select count(*) from gone")
        .execute(Tuple.of(jobId)).map(rows -> rows.iterator().next().getLong(0));
  }

  /** Forgets validators whose record is in the purged job: a later fetch of those URLs is unconditional. */
  static Future<Void> forgetValidators(SqlClient client, long jobId) {
    return client.preparedQuery("delete from validators where page_job_id = $1").execute(Tuple.of(jobId)).mapEmpty();
  }

  /** Writes the records this node still owns, with their bodies; returns the URL ids that were committed. */
  public Future<Set<Long>> write(SqlClient client, String nodeId, List<PageRecord> records) {
    List<StoredBody> bodies = distinctBodies(records);
    return client.preparedQuery(WRITE).execute(Tuple.from(new Object[] {
        nodeId,
        column(records, PageRecord::urlId, Long[]::new),
        column(records, PageRecord::jobId, Long[]::new),
        response(records, Response::finalUrl, String[]::new),
        response(records, Response::status, Integer[]::new),
        response(records, Response::contentType, String[]::new),
        response(records, Response::bytes, Long[]::new),
        response(records, Response::truncated, Boolean[]::new),
        response(records, r -> r.facts().title(), String[]::new),
        response(records, Response::contentHash, String[]::new),
        response(records, r -> r.facts().links(), Integer[]::new),
        response(records, Response::redirects, Integer[]::new),
        response(records, Response::etag, String[]::new),
        response(records, Response::lastModified, String[]::new),
        response(records, Response::fetchedAtMs, Long[]::new),
        response(records, Response::elapsedMs, Integer[]::new),
        column(records, PageRecord::attempts, Integer[]::new),
        column(records, PageRecord::errorCode, String[]::new),
        column(records, PageRecord::errorMessage, String[]::new),
        response(records, Response::notModified, Boolean[]::new),
        response(records, r -> r.facts().description(), String[]::new),
        response(records, r -> r.facts().canonical(), String[]::new),
        response(records, r -> r.facts().lang(), String[]::new),
        response(records, r -> r.facts().outlinksText(), String[]::new),
        response(records, r -> r.exchange().protocol(), String[]::new),
        response(records, r -> r.exchange().reason(), String[]::new),
        response(records, r -> r.exchange().requestHeadersJson(), String[]::new),
        response(records, r -> r.exchange().responseHeadersJson(), String[]::new),
        response(records, r -> r.body() == null ? null : Buffer.buffer(r.body().hashBytes()), Buffer[]::new),
        bodies.stream().map(b -> Buffer.buffer(b.hashBytes())).toArray(Buffer[]::new),
        bodies.stream().map(StoredBody::codec).toArray(String[]::new),
        bodies.stream().map(StoredBody::size).toArray(Long[]::new),
        bodies.stream().map(b -> Bytes.wrap(b.data())).toArray(Buffer[]::new),
        response(records, r -> r.facts().requisitesText(), String[]::new)}))
        .map(rows -> {
          Set<Long> committed = new HashSet<>(rows.size() * 2);
          rows.forEach(row -> committed.add(row.getLong(0)));
          return committed;
        });
  }

  /** Each body of the batch once (two URLs may serve the same bytes); references are not written again. */
  private static List<StoredBody> distinctBodies(List<PageRecord> records) {
    Map<String, StoredBody> bodies = new LinkedHashMap<>();
    for (PageRecord record : records) {
      StoredBody body = record.response().body();
      if (body != null && !body.isReference()) {
        bodies.putIfAbsent(body.hash(), body);
      }
    }
    return new ArrayList<>(bodies.values());
  }

  /** Up to {@code limit} records after {@code afterUrlId}, in URL order: a keyset page, no transaction held. */
  public Future<RowSet<Row>> page(long jobId, long afterUrlId, ExportColumns columns, int limit) {
    if (!columns.body()) {
      return pool.preparedQuery(columns.sql(EXPORT, true)).execute(Tuple.of(jobId, afterUrlId, limit));
    }
    // with bodies, a page holds at most BODY_PAGE_BYTES of them (but one record at least): an
    // export of large bodies must not hold rows' worth of megabytes per client
    return pool.preparedQuery(BODY_PAGE_ROWS).execute(Tuple.of(jobId, afterUrlId, limit, BODY_PAGE_BYTES))
        .compose(rows -> pool.preparedQuery(columns.sql(EXPORT, true))
            .execute(Tuple.of(jobId, afterUrlId, rows.iterator().next().getInteger(0))));
  }

  /** One record of a job with everything kept about it (headers and links too), or empty. */
  public Future<Optional<Row>> record(long jobId, long urlId) {
    return page(jobId, urlId - 1, ExportColumns.ALL_BUT_BODY, 1)
        .map(rows -> {
          Row row = rows.size() == 0 ? null : rows.iterator().next();
          return row != null && row.getLong("url_id") == urlId ? Optional.of(row) : Optional.<Row>empty();
        });
  }

  /** The record a URL's validators point at (what a 304 revalidated), or empty when it is gone. */
  public Future<Optional<PreviousPage>> previous(Validators validators) {
    if (validators.pageJobId() == null || validators.pageUrlId() == null) {
      return Future.succeededFuture(Optional.empty());
    }
    return pool.preparedQuery(PREVIOUS).execute(Tuple.of(validators.pageJobId(), validators.pageUrlId()))
        .map(rows -> rows.size() == 0 ? Optional.<PreviousPage>empty() : Optional.of(previous(rows.iterator().next())));
  }

  private static PreviousPage previous(Row row) {
    PageFacts facts = new PageFacts(row.getString("title"), row.getString("description"), row.getString("canonical"),
        row.getString("lang"), row.getInteger("links"), PageFacts.outlinksFrom(row.getString("outlinks")),
        PageFacts.outlinksFrom(row.getString("requisites")));
    Long bytes = row.getLong("bytes");
    return new PreviousPage(row.getString("content_type"), bytes == null ? 0 : bytes, facts,
        row.getBoolean("body_stored"));
  }

  /** A column of the records' responses: {@code field} of each record's {@link Response}. */
  private static <T> T[] response(List<PageRecord> records, Function<Response, T> field, IntFunction<T[]> array) {
    return column(records, r -> field.apply(r.response()), array);
  }

  private static <T> T[] column(List<PageRecord> records, Function<PageRecord, T> field, IntFunction<T[]> array) {
    T[] values = array.apply(records.size());
    for (int i = 0; i < values.length; i++) {
      values[i] = field.apply(records.get(i));
    }
    return values;
  }

  /** A host's share of a job's latest records, and their mean fetch time. */
  public record HostTime(String host, long pages, double meanMs) {}

  /** A job's records for the dashboard: by outcome ({@code ok} or the error code), and its slowest hosts. */
  public record Breakdown(Map<String, Long> outcomes, List<HostTime> slowestHosts) {}

  /**
   * How a job's records came out, all of them, and which {@code hosts} hosts were slowest among its
   * {@code recent} latest records (by URL id, walking the primary key backwards), so the query stays
   * bounded however big the job is.
   */
  public Future<Breakdown> breakdown(long jobId, int hosts, int recent) {
    Future<Map<String, Long>> outcomes = pool.preparedQuery(
            "select coalesce(error_code, 'ok') as outcome, count(*) as n from pages where job_id = $1 group by 1")
        .execute(Tuple.of(jobId))
        .map(rows -> {
          Map<String, Long> byOutcome = new TreeMap<>();
          rows.forEach(row -> byOutcome.put(row.getString("outcome"), row.getLong("n")));
          return byOutcome;
        });
    Future<List<HostTime>> slowest = pool.preparedQuery("""
            with latest as (select url_id, elapsed_ms from pages where job_id = $1 order by url_id desc limit $3)
            select f.host, count(*) as pages, avg(l.elapsed_ms)::float8 as mean_ms
            from latest l join frontier f on f.id = l.url_id
            group by f.host order by mean_ms desc, f.host limit $2""")
        .execute(Tuple.of(jobId, hosts, recent))
        .map(rows -> {
          List<HostTime> list = new ArrayList<>();
          rows.forEach(row ->
              list.add(new HostTime(row.getString("host"), row.getLong("pages"), row.getDouble("mean_ms"))));
          return list;
        });
    return Future.all(outcomes, slowest).map(both -> new Breakdown(outcomes.result(), slowest.result()));
  }
}
