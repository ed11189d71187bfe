package dev.fetchbus.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.Optional;

/**
 * Deletes an ended job: its records, its URLs, its row, and every stored body that no other
 * record uses, in one transaction. It holds the content store's purge lock from the start, so a
 * page write in progress elsewhere (which holds it shared) either commits before and is seen, or
 * waits and finds the body gone and does not point at it.
 */
public final class JobPurge {
  private final Pool pool;

  public JobPurge(Pool pool) {
    this.pool = pool;
  }

  /** What the purge removed, or empty when the job does not exist or has not ended. */
  public Future<Optional<JsonObject>> purge(long jobId) {
    return pool.withTransaction(conn -> BodyTable.lockForPurge(conn)
        .compose(v -> JobTable.lockEnded(conn, jobId))
        .compose(ended -> !ended ? Future.succeededFuture(Optional.<JsonObject>empty())
            : BodyTable.rememberCandidates(conn, jobId)
                .compose(v -> PageTable.deleteJob(conn, jobId))
                .compose(pages -> PageTable.forgetValidators(conn, jobId)
                    .compose(v -> FrontierTable.deleteJob(conn, jobId))
                    .compose(v -> JobTable.delete(conn, jobId))
                    .compose(v -> BodyTable.deleteUnreferenced(conn))
                    .map(freed -> Optional.of(new JsonObject().put("id", jobId).put("purged", true)
                        .put("records", pages).put("bodiesFreed", freed[0]).put("storedBytesFreed", freed[1]))))));
  }
}
