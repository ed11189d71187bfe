package dev.fetchbus.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** All SQL for {@code jobs}. */
public final class JobTable {
  private static final String COLUMNS = "id, user_id, kind, state, options, accepted, duplicates, rejected, "
      + "rejected_samples, created_at, started_at, finished_at, crawl, stop_reason";

  /**
   * A job's step on the fair clock (V11): a job of priority p moves p times slower, so it gets p
   * times the claims of a priority-1 job. Read from the options ($3) it is created with.
   */
  private static final String STRIDE = "1000000 / greatest(coalesce(($3::jsonb ->> 'priority')::int, 1), 1)";
  /** A user's jobs under way, for limits.activeJobs. */
  private static final String ACTIVE = "from jobs where user_id = $1 and state in ('queued', 'running')";
  /** Serialises one user's job creations (transaction-scoped; the two-key space is this table's alone). */
  private static final String LOCK_USER = "select pg_advisory_xact_lock(1785684595, ($1 % 2147483647)::int)";

  private final Pool pool;

  public JobTable(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  /** A list job, while its user has fewer than {@code maxActive} jobs under way (else {@link TooManyJobs}). */
  public Future<Long> create(long userId, int maxActive, String kind, JsonObject options) {
    return insertAdmitted(userId, maxActive, "insert into jobs (user_id, kind, options, stride) "
        + "values ($1, $2, $3, " + STRIDE + ") returning id", Tuple.of(userId, kind, options));
  }

  /** A crawl job: its plan, and limits enforced by the database (max pages) and the sweep (duration). */
  public Future<Long> createCrawl(long userId, int maxActive, JsonObject options, JsonObject crawl, Long maxPages,
      Integer maxDurationSeconds) {
    return insertAdmitted(userId, maxActive,
        "insert into jobs (user_id, kind, options, crawl, max_pages, max_duration_seconds, stride) "
            + "values ($1, 'crawl', $2, $3, $4, $5, " + STRIDE.replace("$3", "$2") + ") returning id",
        Tuple.of(userId, options, crawl, maxPages, maxDurationSeconds));
  }

  /**
   * Inserts a job only while its user has fewer than {@code maxActive} jobs under way. The count and
   * the insert run in one transaction under a per-user advisory lock, so jobs created at the same
   * moment, on any nodes, cannot all take the last free place, as a check before the insert let them.
   * The count is its own statement, after the lock: its snapshot then sees the jobs committed before.
   */
  private Future<Long> insertAdmitted(long userId, int maxActive, String insert, Tuple args) {
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK_USER).execute(Tuple.of(userId))
        .compose(locked -> conn.preparedQuery("select count(*) " + ACTIVE).execute(Tuple.of(userId)))
        .compose(active -> active.iterator().next().getLong(0) >= maxActive
            ? Future.failedFuture(new TooManyJobs(maxActive))
            : conn.preparedQuery(insert).execute(args).map(rows -> rows.iterator().next().getLong(0))));
  }

  /** What the frontier needs to run a job's URLs: its options, and its crawl plan (null for a list job). */
  public record StoredPlan(JsonObject options, JsonObject crawl, long userId, LimitOverrides limits) {}

  public Future<StoredPlan> plan(long id) {
    return pool.preparedQuery("select j.options, j.crawl, j.user_id, " + LimitOverrides.COLUMNS
            + " from jobs j join users u on u.id = j.user_id where j.id = $1").execute(Tuple.of(id))
        .map(rows -> {
          if (rows.size() == 0) {
            return new StoredPlan(new JsonObject(), null, 0, LimitOverrides.NONE);
          }
          Row row = rows.iterator().next();
          return new StoredPlan(row.getJsonObject("options"), row.getJsonObject("crawl"), row.getLong("user_id"),
              LimitOverrides.of(row));
        });
  }

  /** Stops running jobs past their maxDurationSeconds: unfinished URLs are cancelled, the job is done. */
  public Future<List<Long>> expireOverdue() {
    return pool.withTransaction(conn -> conn.query("update jobs set state = 'done', finished_at = now(), "
            + "stop_reason = 'maxDurationSeconds' where state = 'running' and max_duration_seconds is not null "
            + "and started_at + make_interval(secs => max_duration_seconds) < now() returning id").execute()
        .map(JobTable::ids)
        .compose(ids -> ids.isEmpty() ? Future.succeededFuture(ids)
            : FrontierTable.cancelUnfinished(conn, ids).map(ids)));
  }

  public Future<Void> addIngestCounts(long id, long accepted, long duplicates, long rejected) {
    return pool.preparedQuery("update jobs set accepted = accepted + $2, duplicates = duplicates + $3, "
            + "rejected = rejected + $4 where id = $1")
        .execute(Tuple.of(id, accepted, duplicates, rejected))
        .mapEmpty();
  }

  /** The URL list is complete. A job that accepted nothing is done at once. */
  public Future<Void> finishIngest(long id, JsonArray rejectedSamples) {
    return pool.preparedQuery("update jobs set ingested_at = now(), rejected_samples = $2, "
            + "state = case when accepted = 0 and state = 'queued' then 'done' else state end, "
            + "finished_at = case when accepted = 0 and state = 'queued' then now() else finished_at end "
            + "where id = $1")
        .execute(Tuple.of(id, rejectedSamples))
        .mapEmpty();
  }

  /**
   * The job, if it exists and {@code userId} may see it ({@code null} for any user), without its URL
   * counts: those cost a scan of the job's URLs, see {@link #withUrlStates}.
   */
  public Future<Optional<JobRow>> find(long id, Long userId) {
    return pool.preparedQuery("select " + COLUMNS + " from jobs where id = $1 and ($2::bigint is null or user_id = $2)")
        .execute(Tuple.of(id, userId))
        .map(rows -> rows.size() == 0 ? Optional.<JobRow>empty()
            : Optional.of(toJob(rows.iterator().next(), Map.of())));
  }

  /**
   * Newest first: the jobs of {@code userId} ({@code null}: everyone's), optionally in one state,
   * with ids below {@code before} (the cursor of the previous page), without URL counts.
   */
  public Future<List<JobRow>> list(Long userId, String state, long before, int limit) {
    return pool.preparedQuery("select " + COLUMNS + " from jobs where ($1::bigint is null or user_id = $1) "
            + "and ($2::text is null or state = $2) and id < $3 order by id desc limit $4")
        .execute(Tuple.of(userId, state, before, limit))
        .map(rows -> {
          List<JobRow> jobs = new ArrayList<>(rows.size());
          rows.forEach(row -> jobs.add(toJob(row, Map.of())));
          return jobs;
        });
  }

  /** Locks an ended job's row for its purge; false when the job is gone or has not ended. */
  static Future<Boolean> lockEnded(SqlClient client, long id) {
    return client.preparedQuery("select 1 from jobs where id = $1 and state in ('done', 'cancelled') for update")
        .execute(Tuple.of(id)).map(rows -> rows.size() > 0);
  }

  /** Ended jobs that finished more than {@code days} ago, oldest first, for the retention sweep. */
  public Future<List<Long>> endedBefore(int days, int limit) {
    return pool.preparedQuery("select id from jobs where state in ('done', 'cancelled') "
            + "and finished_at < now() - make_interval(days => $1) order by id limit $2")
        .execute(Tuple.of(days, limit))
        .map(JobTable::ids);
  }

  /** Deletes the job's row; its frontier rows (and so its records) go with it by the foreign keys. */
  static Future<Void> delete(SqlClient client, long id) {
    return client.preparedQuery("delete from jobs where id = $1").execute(Tuple.of(id)).mapEmpty();
  }

  /** The shallowest depth still queued or leased (the crawl's current depth), or null when none is. */
  public Future<Integer> currentDepth(long id) {
    return pool.preparedQuery("select min(f.depth) from queue q join frontier f on f.id = q.url_id where q.job_id = $1")
        .execute(Tuple.of(id))
        .map(rows -> rows.iterator().next().getInteger(0));
  }

  /** The job with the count of its URLs in each frontier state. */
  public Future<JobRow> withUrlStates(JobRow job) {
    return urlStates(job.id()).map(job::withUrlStates);
  }

  /** A running job's progress, for the operator's dashboard: URLs accepted so far, and those not yet finished. */
  /** A job on the dashboard: its URLs accepted, still queued, and cancelled before they were fetched. */
  public record Progress(long id, String kind, String state, long accepted, long unfinished, long cancelled,
      OffsetDateTime startedAt) {
    public long finished() {
      return Math.max(0, accepted - unfinished - cancelled);
    }
  }

  /**
   * The oldest {@code limit} running jobs, then those that ended in the last {@code endedSeconds}
   * (so a dashboard sees a job reach its end), with their unfinished URLs (a count of their queue rows).
   */
  public Future<List<Progress>> running(int limit, int endedSeconds) {
    return pool.preparedQuery("select j.id, j.kind, j.state, j.accepted, j.cancelled_urls, j.started_at, "
            + "(select count(*) from queue q where q.job_id = j.id) as unfinished "
            + "from jobs j where j.state = 'running' "
            + "or (j.state <> 'queued' and j.finished_at > now() - make_interval(secs => $2)) "
            + "order by j.state <> 'running', j.id limit $1")
        .execute(Tuple.of(limit, endedSeconds))
        .map(rows -> {
          List<Progress> jobs = new ArrayList<>(rows.size());
          rows.forEach(row -> jobs.add(new Progress(row.getLong("id"), row.getString("kind"), row.getString("state"),
              row.getLong("accepted"), row.getLong("unfinished"), row.getLong("cancelled_urls"),
              row.getOffsetDateTime("started_at"))));
          return jobs;
        });
  }

  /** Marks the job cancelled and its unfinished URLs cancelled too, in one transaction. */
  public Future<Boolean> cancel(long id) {
    return pool.withTransaction(conn -> conn.preparedQuery("update jobs set state = 'cancelled', finished_at = now() "
            + "where id = $1 and state in ('queued', 'running')").execute(Tuple.of(id))
        .compose(updated -> updated.rowCount() == 0
            ? Future.succeededFuture(false)
            : FrontierTable.cancelUnfinished(conn, List.of(id)).map(true)));
  }

  public Future<Void> markRunning(List<Long> ids) {
    return pool.preparedQuery("update jobs set state = 'running', started_at = now() "
            + "where id = any($1) and state = 'queued'")
        .execute(Tuple.of(ids.toArray(Long[]::new)))
        .mapEmpty();
  }

  /** Finishes each running job whose input is complete and which has no unfinished URL left. */
  public Future<List<Long>> finishIfComplete(List<Long> ids) {
    return pool.preparedQuery("update jobs j set state = 'done', finished_at = now() "
            + "where j.id = any($1) and j.state = 'running' and j.ingested_at is not null "
            + "and not exists (select 1 from queue q where q.job_id = j.id) "
            + "returning j.id")
        .execute(Tuple.of(ids.toArray(Long[]::new)))
        .map(JobTable::ids);
  }

  /** The safety net: finishes every complete running job, whoever wrote its last page. */
  public Future<List<Long>> finishAllComplete() {
    return pool.query("update jobs j set state = 'done', finished_at = now() "
            + "where j.state = 'running' and j.ingested_at is not null "
            + "and not exists (select 1 from queue q where q.job_id = j.id) "
            + "returning j.id")
        .execute()
        .map(JobTable::ids);
  }

  private static List<Long> ids(RowSet<Row> rows) {
    List<Long> ids = new ArrayList<>(rows.size());
    rows.forEach(row -> ids.add(row.getLong(0)));
    return ids;
  }

  /**
   * A job's URLs by state: a scan of its URLs and records (api.JobFigures reuses it for polls).
   * Queued and leased URLs are in {@code queue}; done and failed ones have a record, with or without an error.
   */
  public Future<Map<String, Long>> urlStates(long id) {
    return pool.preparedQuery("""
            select (select count(*) from queue where job_id = $1 and %s),
                   (select count(*) from queue where job_id = $1 and not %s),
                   (select count(*) from pages where job_id = $1 and error_code is null),
                   (select count(*) from pages where job_id = $1 and error_code is not null),
                   (select cancelled_urls from jobs where id = $1)"""
            .formatted(FrontierTable.WAITING, FrontierTable.WAITING))
        .execute(Tuple.of(id))
        .map(rows -> {
          Row row = rows.iterator().next();
          Map<String, Long> counts = new HashMap<>();
          List<String> states = List.of("queued", "leased", "done", "failed", "cancelled");
          for (int i = 0; i < states.size(); i++) {
            Long count = row.getLong(i);
            counts.put(states.get(i), count == null ? 0L : count);
          }
          return counts;
        });
  }

  private static JobRow toJob(Row row, Map<String, Long> states) {
    return new JobRow(row.getLong("id"), row.getLong("user_id"), row.getString("kind"), row.getString("state"),
        row.getJsonObject("options"), row.getLong("accepted"), row.getLong("duplicates"), row.getLong("rejected"),
        row.getJsonArray("rejected_samples"), row.getOffsetDateTime("created_at"),
        row.getOffsetDateTime("started_at"), row.getOffsetDateTime("finished_at"), row.getJsonObject("crawl"),
        row.getString("stop_reason"), states);
  }

  /** What a user has under way: jobs queued or running, and their URLs not yet finished. */
  public record Usage(long activeJobs, long unfinishedUrls, long activeUrls) {}

  public Future<Usage> usage(long userId) {
    return activeUsage(userId).compose(active -> pool.preparedQuery(
            "select count(*) from queue q join jobs j on j.id = q.job_id where j.user_id = $1")
        .execute(Tuple.of(userId))
        .map(rows -> new Usage(active.activeJobs(), rows.iterator().next().getLong(0), active.activeUrls())));
  }

  /** The jobs a user has under way and the URLs they accepted: cheap (a sum over a few job rows), for limits. */
  public Future<Usage> activeUsage(long userId) {
    return pool.preparedQuery("select count(*) as active, coalesce(sum(accepted), 0)::bigint as active_urls " + ACTIVE)
        .execute(Tuple.of(userId))
        .map(rows ->
            new Usage(rows.iterator().next().getLong("active"), -1, rows.iterator().next().getLong("active_urls")));
  }
}
