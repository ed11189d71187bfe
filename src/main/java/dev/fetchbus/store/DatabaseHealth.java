package dev.fetchbus.store;

import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this node's database answers, as its verticles saw it. A write or claim that fails
 * because the database is gone (not because a statement was wrong) marks it down; a probe then asks
 * {@code select 1} every {@link #PROBE_MS} until it answers. While it is down, or while the store
 * still holds records it could not write, the frontier claims nothing: work already fetched is
 * kept and written when the database is back, rather than dropped and fetched a second time.
 */
public final class DatabaseHealth {
  static final long PROBE_MS = 250;
  private static final Logger log = LoggerFactory.getLogger(DatabaseHealth.class);
  private static final Map<Vertx, DatabaseHealth> NODES = Collections.synchronizedMap(new WeakHashMap<>());
  /** SQLSTATEs that mean the server went away or is not accepting work yet, not that the SQL was bad. */
  private static final Set<String> GONE = Set.of("57P01", "57P02", "57P03", "53300");

  private final Vertx vertx;
  private final Pool pool;
  private final AtomicBoolean reachable = new AtomicBoolean(true);
  private final AtomicBoolean probing = new AtomicBoolean();
  private final AtomicInteger heldRecords = new AtomicInteger();
  private final AtomicInteger outages = new AtomicInteger();

  private DatabaseHealth(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /** The node's one instance; {@code pool} is the node's shared pool, used by the probe. */
  public static DatabaseHealth of(Vertx vertx, Pool pool) {
    return NODES.computeIfAbsent(vertx, v -> new DatabaseHealth(v, pool));
  }

  /** True when {@code err} (or a cause) says the database cannot be reached, as opposed to a bad statement. */
  public static boolean unreachable(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof PgException pg) {
        String state = pg.getSqlState();
        return state != null && (state.startsWith("08") || GONE.contains(state));
      }
      if (t instanceof ClosedConnectionException || t instanceof IOException) {
        return true;
      }
      if (t instanceof VertxException && String.valueOf(t.getMessage()).contains("Connection")) {
        return true;
      }
    }
    return false;
  }

  public boolean reachable() {
    return reachable.get();
  }

  /** How many times the database has gone away since the node started: a change means leases may have run out. */
  public int outages() {
    return outages.get();
  }

  /** Claim new work only when the database answers and nothing fetched is waiting to be written. */
  public boolean claimsAllowed() {
    return reachable.get() && heldRecords.get() == 0;
  }

  /** The store holds {@code records} it could not write yet (0 once they are written). */
  public void holding(int records) {
    heldRecords.set(records);
  }

  public int held() {
    return heldRecords.get();
  }

  /** Reports a failure; when it says the database is gone, marks it down and starts probing. */
  public void failed(Throwable err) {
    if (!unreachable(err)) {
      return;
    }
    if (reachable.getAndSet(false)) {
      outages.incrementAndGet();
      log.error("The database does not answer ({}); claiming paused, fetched records kept until it is back",
          err.getMessage());
    }
    if (probing.compareAndSet(false, true)) {
      vertx.setTimer(PROBE_MS, id -> probe());
    }
  }

  private void probe() {
    pool.query("select 1").execute().onComplete(answer -> {
      if (answer.succeeded()) {
        probing.set(false);
        reachable.set(true);
        log.info("The database answers again; claiming resumes once {} held records are written", held());
      } else {
        vertx.setTimer(PROBE_MS, id -> probe());
      }
    });
  }
}
