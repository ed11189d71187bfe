package dev.fetchbus.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded PostgreSQL running: when its postmaster dies (killed, crashed, OOM-killed) the
 * supervisor starts it again on the same port and data directory, so the node's pools reconnect to
 * the same URL and PostgreSQL recovers from its WAL. Meanwhile {@link DatabaseHealth} holds claims
 * back and the store keeps what was fetched. After {@code attempts} failed starts in a row the node
 * exits non-zero, for its service manager to restart it whole.
 */
public final class EmbeddedSupervisor {
  /** The exit status of a node whose database could not be restarted (EX_SOFTWARE). */
  public static final int EXIT_DATABASE_LOST = 70;
  private static final Logger log = LoggerFactory.getLogger(EmbeddedSupervisor.class);
  private static final long FIRST_BACKOFF_MS = 500;
  private static final long MAX_BACKOFF_MS = 8_000;

  private final Vertx vertx;
  private final Path dataDir;
  private final int attempts;
  private final IntConsumer exit;
  private volatile EmbeddedDatabase current;
  private volatile boolean closing;
  private int port;

  public EmbeddedSupervisor(Vertx vertx, Path dataDir, int attempts, IntConsumer exit) {
    this.vertx = vertx;
    this.dataDir = dataDir;
    this.attempts = attempts;
    this.exit = exit;
  }

  /** Starts the database ({@code port} 0 picks a free one) and watches it; answers its URL. */
  public Future<String> start(int requestedPort) {
    return vertx.executeBlocking(() -> EmbeddedDatabase.start(dataDir, requestedPort)).map(db -> {
      port = db.port();
      watch(db);
      return db.url("postgres");
    });
  }

  public Future<Void> close() {
    closing = true;
    EmbeddedDatabase db = current;
    return db == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      db.close();
      return null;
    });
  }

  private void watch(EmbeddedDatabase db) {
    current = db;
    db.postmasterExit().thenRun(() -> vertx.runOnContext(v -> died(db)));
  }

  private void died(EmbeddedDatabase db) {
    if (closing || db != current) {
      return;
    }
    log.error("Embedded PostgreSQL on port {} died; restarting it (up to {} attempts)", port, attempts);
    restart(1, FIRST_BACKOFF_MS);
  }

  private void restart(int attempt, long backoffMs) {
    EmbeddedDatabase dead = current;
    vertx.executeBlocking(() -> {
      dead.close();
      return EmbeddedDatabase.start(dataDir, port);
    }).onSuccess(db -> {
      log.info("Embedded PostgreSQL is back on port {} after {} attempt(s)", port, attempt);
      if (closing) {
        vertx.executeBlocking(() -> {
          db.close();
          return null;
        });
      } else {
        watch(db);
      }
    }).onFailure(err -> {
      if (closing) {
        return;
      }
      if (attempt >= attempts) {
        log.error("Embedded PostgreSQL did not start again in {} attempts; the node exits", attempts, err);
        exit.accept(EXIT_DATABASE_LOST);
        return;
      }
      log.warn("Restarting embedded PostgreSQL failed (attempt {} of {}): {}", attempt, attempts, err.getMessage());
      vertx.setTimer(backoffMs, id -> restart(attempt + 1, Math.min(MAX_BACKOFF_MS, backoffMs * 2)));
    });
  }
}
