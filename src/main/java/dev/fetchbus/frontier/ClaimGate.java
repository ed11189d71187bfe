package dev.fetchbus.frontier;

import dev.fetchbus.store.DatabaseHealth;
import dev.fetchbus.store.FrontierTable;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the frontier may claim, as far as the database is concerned: not while it is away or while
 * the store still holds records it could not write ({@link DatabaseHealth}), and, once it is back,
 * only after the leases this node holds are renewed, so that one which ran out meanwhile is not
 * claimed (and fetched) a second time by this very node. It also renews the held leases on the
 * frontier's timer.
 */
final class ClaimGate {
  private static final Logger log = LoggerFactory.getLogger(ClaimGate.class);
  private final DatabaseHealth health;
  private final HeldLeases leased;
  private final FrontierTable frontier;
  private final int leaseSeconds;
  private final String nodeId;
  /** The database outages this gate has renewed the held leases after. */
  private int renewedAfter;

  ClaimGate(DatabaseHealth health, HeldLeases leased, FrontierTable frontier, int leaseSeconds, String nodeId) {
    this.health = health;
    this.leased = leased;
    this.frontier = frontier;
    this.leaseSeconds = leaseSeconds;
    this.nodeId = nodeId;
  }

  /** False while claims must wait for the database; the caller tries again after its poll interval. */
  boolean open() {
    return health.claimsAllowed();
  }

  /**
   * Completes when a claim may run: at once, or after the renewal that follows an outage. Outages
   * are counted by {@link DatabaseHealth}, not seen here: a frontier with a full buffer does not try
   * to claim while the database is away, and its leases run out all the same.
   */
  Future<Void> beforeClaim() {
    int outages = health.outages();
    if (outages == renewedAfter) {
      return Future.succeededFuture();
    }
    renewedAfter = outages;
    return renew().<Void>mapEmpty().recover(err -> Future.succeededFuture());
  }

  Future<Integer> renew() {
    return leased.renew(frontier, leaseSeconds, nodeId).onFailure(err -> {
      health.failed(err);
      log.warn("Renewing {} leases failed", leased.size(), err);
    });
  }

  /** A claim failed: if the database is gone, claims pause until it is back. */
  void claimFailed(Throwable err) {
    health.failed(err);
  }
}
