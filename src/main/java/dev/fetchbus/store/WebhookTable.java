package dev.fetchbus.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * All SQL for {@code webhooks}: one callback per job. A delivery is claimed by pushing its
 * {@code next_at} out by a lease (a node that dies mid-delivery leaves it due again when the lease
 * runs out), so deliveries are at least once across nodes and restarts.
 */
public final class WebhookTable {
  /** A delivery to make: the attempt number includes this one. */
  public record Delivery(long jobId, String url, String secret, int attempt) {}

  /** What is known of a job's callback. */
  public record Status(String state, int attempts, Integer lastStatus, String lastError) {}

  private static final SecureRandom RANDOM = new SecureRandom();
  private final Pool pool;

  public WebhookTable(Pool pool) {
    this.pool = pool;
  }

  /** Registers a job's callback with a new secret (256 random bits); answers the secret, shown once. */
  public Future<String> register(long jobId, String url) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String secret = "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    return pool.preparedQuery("insert into webhooks (job_id, url, secret) values ($1, $2, $3)")
        .execute(Tuple.of(jobId, url, secret)).map(secret);
  }

  /** Makes the callbacks of jobs that have ended due; answers how many. */
  public Future<Integer> markEnded() {
    return pool.query("""
            update webhooks w set state = 'due', next_at = now()
            from jobs j where j.id = w.job_id and w.state = 'waiting' and j.state not in ('queued', 'running')""")
        .execute().map(rows -> rows.rowCount());
  }

  /** Claims up to {@code limit} due deliveries for {@code leaseSeconds}, counting the attempt. */
  public Future<List<Delivery>> claimDue(int limit, int leaseSeconds) {
    return pool.preparedQuery("""
            update webhooks set attempts = attempts + 1, next_at = now() + make_interval(secs => $2)
            where job_id in (select job_id from webhooks where state = 'due' and next_at <= now()
                             order by next_at limit $1 for update skip locked)
            returning job_id, url, secret, attempts""")
        .execute(Tuple.of(limit, leaseSeconds)).map(rows -> {
          List<Delivery> due = new ArrayList<>();
          rows.forEach(r -> due.add(new Delivery(r.getLong("job_id"), r.getString("url"), r.getString("secret"),
              r.getInteger("attempts"))));
          return due;
        });
  }

  public Future<Void> delivered(long jobId, int status) {
    return pool.preparedQuery("update webhooks set state = 'delivered', delivered_at = now(), last_status = $2, "
        + "last_error = null where job_id = $1").execute(Tuple.of(jobId, status)).mapEmpty();
  }

  /** A failed attempt: due again in {@code retryInMs}, or given up ({@code giveUp}). */
  public Future<Void> failed(long jobId, Integer status, String error, long retryInMs, boolean giveUp) {
    return pool.preparedQuery("update webhooks set state = case when $5 then 'failed' else 'due' end, "
            + "next_at = now() + make_interval(secs => $4::double precision / 1000), last_status = $2, last_error = $3 "
            + "where job_id = $1")
        .execute(Tuple.of(jobId, status, error, retryInMs, giveUp)).mapEmpty();
  }

  public Future<Optional<Status>> status(long jobId) {
    return pool.preparedQuery("select state, attempts, last_status, last_error from webhooks where job_id = $1")
        .execute(Tuple.of(jobId)).map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(new Status(
            rows.iterator().next().getString("state"), rows.iterator().next().getInteger("attempts"),
            rows.iterator().next().getInteger("last_status"), rows.iterator().next().getString("last_error"))));
  }
}
