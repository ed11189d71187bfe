package dev.fetchbus.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The report of who has work under way, for the dashboard and /metrics: a read across users, their
 * jobs, their leased queue rows and their request counts, not the SQL of one table (JobTable keeps
 * a job's own rows; its {@code activeUsage} is what the limits read).
 */
public final class UsageReport {
  private final Pool pool;

  public UsageReport(Pool pool) {
    this.pool = pool;
  }

  /**
   * One user's work under way and its own limits: jobs queued or running, the URLs they accepted,
   * their URLs leased to a node now (fetching, or waiting for a host slot or the store: at least
   * the fetches running), and the user's API requests in the current second.
   */
  public record UserUsage(long userId, long activeJobs, long activeUrls, long leasedUrls, long requestsThisSecond,
      LimitOverrides overrides) {}

  /**
   * The {@code limit} users with the most URLs under way: what the dashboard and /metrics show. The
   * leased counts come from {@code queue_leases} (leased and parked rows only), never from a whole job.
   */
  public Future<List<UserUsage>> busiestUsers(int limit) {
    return pool.preparedQuery("""
            with leased as (select job_id, count(*) as n from queue
                            where leased_by is not null and leased_by <> '' group by job_id)
            select u.id, count(j.id) as active, coalesce(sum(j.accepted), 0)::bigint as urls,
                   coalesce(sum(l.n), 0)::bigint as leased, coalesce(max(rc.n), 0)::bigint as requests, %s
            from jobs j join users u on u.id = j.user_id
            left join leased l on l.job_id = j.id
            left join request_counts rc on rc.user_id = u.id
                 and rc.second = floor(extract(epoch from clock_timestamp()))::bigint
            where j.state in ('queued', 'running')
            group by u.id order by urls desc, u.id limit $1""".formatted(LimitOverrides.COLUMNS))
        .execute(Tuple.of(limit)).map(rows -> {
          List<UserUsage> users = new ArrayList<>();
          rows.forEach(r -> users.add(new UserUsage(r.getLong("id"), r.getLong("active"), r.getLong("urls"),
              r.getLong("leased"), r.getLong("requests"), LimitOverrides.of(r))));
          return users;
        });
  }
}
