package dev.fetchbus.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * All SQL for the frontier's two tables: {@code frontier}, each URL of each job, written once and
 * never updated, and {@code queue}, a narrow row for each URL that still has work to do (V5 says
 * why they are apart). A lease is a due time in the future owned by one node: when it passes, the
 * queue row is claimable again, so a dead node's URLs come back without anyone noticing it died.
 */
public final class FrontierTable {
  /**
   * Takes lapsed leases and parked retries first (by due time), then the fairest queued URLs (lowest
   * virtual time, V11 explains the clock). Shaped so that even PostgreSQL's generic plan (used after
   * a few executions, which guesses a tenth of the queue for the LIMIT) can only take index paths:
   * each branch walks its own partial index, the update finds its rows by an array of ids, and the
   * frontier and validators are looked up per row (lateral). Written as a join, the generic plan
   * hash-joined the whole queue, dead rows included, and all validators: up to a second per claim.
   * {@code FrontierTableTest} checks the generic plan. The skipped jobs are compared as
   * {@code job_id + 0}, an expression without statistics: with one job queued, the column's
   * statistics say every row is that job, so {@code job_id <> all($5)} looked like it excluded the
   * whole queue, and the generic plan sorted the queue instead of walking {@code queue_fair}.
   */
  static final String CLAIM = """
      with lapsed as (
        select url_id from queue
        where leased_by is not null and due_at <= now() and partition = any($1) and job_id + 0 <> all($5)
        order by due_at
        limit $2
        for update skip locked),
      fair as (
        select url_id from queue
        where leased_by is null and partition = any($1) and job_id + 0 <> all($5)
        order by vt
        limit greatest($2 - (select count(*) from lapsed), 0)
        for update skip locked),
      leased as (
        update queue q
        set due_at = now() + make_interval(secs => $3), leased_by = $4, attempts = q.attempts + 1
        where q.url_id = any(array(select url_id from lapsed union all select url_id from fair))
        returning q.url_id, q.job_id, q.partition, q.attempts, q.vt)
      select l.url_id, l.job_id, f.url, f.host, l.partition, f.depth, l.attempts, f.kind,
             v.etag, v.last_modified, v.content_hash, v.page_job_id, v.page_url_id
      from leased l
      cross join lateral (select url, host, depth, kind, url_hash from frontier where id = l.url_id) f
      left join lateral (select etag, last_modified, content_hash, page_job_id, page_url_id
                         from validators where url_hash = f.url_hash) v
        on true
      order by l.vt""";

  /**
   * Where a job's next URLs go on the fair clock (V11): locks the job row, so one job's writers take
   * turns and its clock only moves forward. {@code start} is the later of the job's clock and the
   * queue's head (or, with nothing queued, the furthest clock of a running job); {@code stride} is
   * the job's, times its user's jobs under way.
   */
  private static final String JOB_CLOCK = """
      job as (
        select j.id, j.max_pages, j.accepted,
               j.stride * (select count(*) from jobs o where o.user_id = j.user_id
                           and o.state in ('queued', 'running')) as stride,
               greatest(j.vclock, coalesce(
                 (select vt from queue where leased_by is null order by vt limit 1),
                 (select max(vclock) from jobs where state = 'running'), 0)) as start
        from jobs j where j.id = $1 and j.state in ('queued', 'running') for update)""";

  static final String ENQUEUE_CAPPED = "with " + JOB_CLOCK + """
      ,
      candidates as (
        select distinct on (u.url) u.*
        from unnest($2::text[], $3::text[], $4::int[], $5::int[], $6::text[], $7::bigint[]) with ordinality
          as u(url, host, partition, depth, kind, parent, ord)
        where not exists (select 1 from frontier f where f.job_id = $1 and f.url_hash = decode(md5(u.url), 'hex'))
        order by u.url, u.ord),
      chosen as (
        select * from candidates where exists (select 1 from job) order by ord
        limit (select case when max_pages is null then 2147483647 else greatest(max_pages - accepted, 0) end from job)),
      added as (
        insert into frontier (job_id, url, host, partition, depth, kind, discovered_from)
        select $1, url, host, partition, depth, kind, parent from chosen
        on conflict do nothing
        returning id, partition),
      queued as (
        insert into queue (url_id, job_id, partition, vt)
        select a.id, $1, a.partition, job.start + job.stride * (row_number() over ()) from added a, job),
      counted as (
        update jobs set accepted = accepted + (select count(*) from added),
                        duplicates = duplicates + $8 - (select count(*) from added),
                        vclock = (select start + stride * (select count(*) from added) from job)
        where id = $1 and exists (select 1 from job)
        returning 1)
      select (select count(*) from added)::int""";

  static final String ENQUEUE = "with " + JOB_CLOCK + """
      ,
      added as (
        insert into frontier (job_id, depth, url, host, partition)
        select $1, $2, u.* from unnest($3::text[], $4::text[], $5::int[]) as u(url, host, partition)
        where exists (select 1 from job)
        on conflict do nothing returning id, partition),
      queued as (
        insert into queue (url_id, job_id, partition, vt)
        select a.id, $1, a.partition, job.start + job.stride * (row_number() over ()) from added a, job),
      clocked as (
        update jobs set vclock = (select start + stride * (select count(*) from added) from job)
        where id = $1 and exists (select 1 from job))
      select (select count(*) from added)::int""";

  /** {@code leased_by} of a URL waiting for its retry: no node holds it. */
  public static final String PARKED = "";
  /** Rows no node is working on: queued in the fair order, or parked until a retry is due. */
  public static final String WAITING = "(leased_by is null or leased_by = '')";

  private final Pool pool;

  public FrontierTable(Pool pool) {
    this.pool = pool;
  }

  /**
   * Inserts the URLs of one batch; duplicates of URLs already in the job are skipped. Returns rows inserted.
   * Nothing is inserted once the job is cancelled (or finished): the job row is locked (for its fair
   * clock), so a concurrent cancel either waits for this batch and then cancels it too, or this batch
   * sees the cancel.
   */
  public Future<Integer> enqueue(long jobId, int depth, List<String> urls, List<String> hosts,
      List<Integer> partitions) {
    return pool.preparedQuery(ENQUEUE)
        .execute(Tuple.of(jobId, depth, urls.toArray(String[]::new), hosts.toArray(String[]::new),
            partitions.toArray(Integer[]::new)))
        .map(rows -> rows.iterator().next().getInteger(0));
  }

  /**
   * Adds URLs to a running or queued job, each once, and never beyond the job's {@code max_pages}
   * (every accepted URL yields exactly one record, so capping acceptance caps the records). Locks
   * the job row, so concurrent writers of one job take turns. Returns how many were added.
   */
  public static Future<Integer> enqueueCapped(SqlClient client, long jobId, List<NewUrl> urls) {
    return client.preparedQuery(ENQUEUE_CAPPED).execute(Tuple.from(new Object[] {
        jobId,
        urls.stream().map(NewUrl::url).toArray(String[]::new),
        urls.stream().map(NewUrl::host).toArray(String[]::new),
        urls.stream().map(NewUrl::partition).toArray(Integer[]::new),
        urls.stream().map(NewUrl::depth).toArray(Integer[]::new),
        urls.stream().map(NewUrl::kind).toArray(String[]::new),
        urls.stream().map(NewUrl::discoveredFrom).toArray(Long[]::new),
        (long) urls.size()}))
        .map(rows -> rows.size() == 0 ? 0 : rows.iterator().next().getInteger(0));
  }

  public Future<Integer> enqueueCapped(long jobId, List<NewUrl> urls) {
    return enqueueCapped(pool, jobId, urls);
  }

  /**
   * Leases up to {@code limit} due URLs of the given partitions to {@code nodeId}, none of the jobs
   * in {@code skipJobs} (those whose users hold enough work here already).
   */
  public Future<List<ClaimedUrl>> claim(int[] partitions, int limit, int leaseSeconds, String nodeId, Long[] skipJobs) {
    Integer[] boxed = Arrays.stream(partitions).boxed().toArray(Integer[]::new);
    return pool.preparedQuery(CLAIM).execute(Tuple.of(boxed, limit, leaseSeconds, nodeId, skipJobs)).map(rows -> {
      List<ClaimedUrl> claimed = new ArrayList<>(rows.size());
      rows.forEach(r -> claimed.add(new ClaimedUrl(r.getLong(0), r.getLong(1), r.getString(2), r.getString(3),
          r.getInteger(4), r.getInteger(5), r.getInteger(6), r.getString(7),
          Validators.of(r.getString(8), r.getString(9), r.getString(10), r.getLong(11), r.getLong(12)))));
      return claimed;
    });
  }

  /** Takes back the attempt a claim counted for URLs this node was already working on. */
  public Future<Integer> uncount(List<Long> ids, String nodeId) {
    return pool.preparedQuery(
        "update queue set attempts = greatest(attempts - 1, 0) where url_id = any($1) and leased_by = $2")
        .execute(Tuple.of(ids.toArray(Long[]::new), nodeId))
        .map(rows -> rows.rowCount());
  }

  /** Extends the leases this node still holds, so URLs waiting for a polite slot are not taken over. */
  public Future<Integer> renew(List<Long> ids, int leaseSeconds, String nodeId) {
    return pool.preparedQuery("update queue set due_at = now() + make_interval(secs => $2) "
            + "where url_id = any($1) and leased_by = $3")
        .execute(Tuple.of(ids.toArray(Long[]::new), leaseSeconds, nodeId))
        .map(rows -> rows.rowCount());
  }

  /**
   * Parks leased URLs until their own delay has passed (retries with backoff): parked rows wait out
   * of the fair order, and the claim takes them back by due time with the lapsed leases.
   */
  public Future<Integer> requeue(List<Long> ids, List<Long> delaysMs, String nodeId) {
    return pool.preparedQuery("update queue q set leased_by = '" + PARKED + "', "
            + "due_at = now() + make_interval(secs => d.delay_ms / 1000.0) "
            + "from unnest($1::bigint[], $2::bigint[]) as d(id, delay_ms) "
            + "where q.url_id = d.id and q.leased_by = $3")
        .execute(Tuple.of(ids.toArray(Long[]::new), delaysMs.toArray(Long[]::new), nodeId))
        .map(rows -> rows.rowCount());
  }

  /**
   * Gives back leases this node will not use (for example when it stops), so others need not wait
   * them out. Their claim is not an attempt: none was made, so the count goes back down.
   */
  public Future<Integer> release(List<Long> ids, String nodeId) {
    return pool.preparedQuery("update queue set leased_by = null, due_at = now(), attempts = greatest(attempts - 1, 0) "
            + "where url_id = any($1) and leased_by = $2")
        .execute(Tuple.of(ids.toArray(Long[]::new), nodeId))
        .map(rows -> rows.rowCount());
  }

  /**
   * Which of {@code partitions} still have URLs leased (lease not run out) by one of {@code nodes}:
   * a partition that just changed hands stays off-limits to its new owner until the old owner's
   * fetches there have finished, so a host's limit holds across the hand-over too.
   */
  public Future<Set<Integer>> busyPartitions(int[] partitions, List<String> nodes) {
    Integer[] boxed = Arrays.stream(partitions).boxed().toArray(Integer[]::new);
    return pool.preparedQuery("select distinct partition from queue where due_at > now() "
            + "and partition = any($1) and leased_by = any($2)")
        .execute(Tuple.of(boxed, (Object) nodes.toArray(String[]::new)))
        .map(rows -> {
          Set<Integer> busy = new HashSet<>();
          rows.forEach(row -> busy.add(row.getInteger(0)));
          return busy;
        });
  }

  public Future<Long> queuedCount() {
    return pool.query("select count(*) from queue where " + WAITING).execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** Deletes a job's URLs (an ended job has no queue rows left, but a cancelled one may race a write). */
  static Future<Void> deleteJob(SqlClient client, long jobId) {
    return client.preparedQuery("delete from queue where job_id = $1").execute(Tuple.of(jobId))
        .compose(v -> client.preparedQuery("delete from frontier where job_id = $1").execute(Tuple.of(jobId)))
        .mapEmpty();
  }

  /** Takes the jobs' unfinished URLs out of the queue; a record still in flight for one of them is dropped. */
  static Future<Integer> cancelUnfinished(SqlClient client, List<Long> jobIds) {
    return client.preparedQuery("with gone as (delete from queue where job_id = any($1) returning job_id), "
            + "counted as (update jobs j set cancelled_urls = j.cancelled_urls + c.n "
            + "from (select job_id, count(*) as n from gone group by job_id) c where j.id = c.job_id) "
            + "select count(*)::int from gone")
        .execute(Tuple.of(jobIds.toArray(Long[]::new)))
        .map(rows -> rows.iterator().next().getInteger(0));
  }
}
