package dev.fetchbus.frontier;

import dev.fetchbus.config.Settings;
import dev.fetchbus.store.FrontierTable;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When and how much the frontier claims: one claim at a time, only while the node holds less than
 * half its buffer ({@code 2 × fetch.maxInFlight} leases, or a claim batch), only of the partitions it
 * may claim from, only when the database lets it ({@link ClaimGate}), and again after
 * {@code frontier.pollMs} when a claim found nothing or failed. Lives on the frontier's event loop.
 */
final class ClaimLoop {
  private static final Logger log = LoggerFactory.getLogger(ClaimLoop.class);
  private final Vertx vertx;
  private final Settings.Frontier config;
  private final FrontierTable frontier;
  private final String nodeId;
  private final HeldLeases leased;
  private final ClaimGate gate;
  private final Ownership ownership;
  private final JobPlans plans;
  private final UserShares shares;
  private final Consumer<Lease> accept;
  private final Runnable claimed;
  private final int bufferTarget;
  private boolean claiming;
  private boolean stopped;
  private long timer = -1;

  /** {@code accept} takes each new lease; {@code claimed} runs after a claim brought some. */
  ClaimLoop(Vertx vertx, Settings settings, FrontierTable frontier, String nodeId, HeldLeases leased, ClaimGate gate,
      Ownership ownership, JobPlans plans, UserShares shares, Consumer<Lease> accept, Runnable claimed) {
    this.vertx = vertx;
    this.config = settings.frontier();
    this.frontier = frontier;
    this.nodeId = nodeId;
    this.leased = leased;
    this.gate = gate;
    this.ownership = ownership;
    this.plans = plans;
    this.shares = shares;
    this.accept = accept;
    this.claimed = claimed;
    this.bufferTarget = Math.max(2 * settings.fetch().maxInFlight(), config.claimBatch());
  }

  /** Claims now, without waiting for a poll interval that is pending. */
  void now() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    maybe();
  }

  /** Claims if the node has room and nothing stops it. */
  void maybe() {
    // every lease this node holds counts, records still waiting for the store included: a slow
    // database thus slows claiming instead of letting the leased set grow
    int buffered = leased.size();
    int[] claimable = ownership.claimable();
    if (claiming || stopped || timer >= 0 || buffered > bufferTarget / 2 || claimable.length == 0) {
      return;
    }
    if (!gate.open()) {
      later();
      return;
    }
    claiming = true;
    int limit = Math.min(config.claimBatch(), bufferTarget - buffered);
    gate.beforeClaim()
        .compose(v -> frontier.claim(claimable, limit, config.leaseSeconds(), nodeId,
            leased.crowdedJobs(shares::localLimit)))
        .compose(plans::leases)
        .onComplete(result -> {
          claiming = false;
          if (result.failed()) {
            gate.claimFailed(result.cause());
            log.warn("Claiming URLs failed; trying again in {} ms", config.pollMs(), result.cause());
            later();
          } else if (result.result().isEmpty()) {
            later();
          } else {
            acceptAll(result.result());
            claimed.run();
          }
        });
  }

  void stop() {
    stopped = true;
  }

  private void later() {
    if (timer < 0 && !stopped) {
      timer = vertx.setTimer(config.pollMs(), id -> {
        timer = -1;
        maybe();
      });
    }
  }

  /**
   * A claim can hand back a URL this node is still working on, when its lease ran out unnoticed
   * (an outage longer than the lease): that URL keeps its one fetch here, and the claim's attempt
   * is taken back.
   */
  private void acceptAll(List<Lease> leases) {
    Set<Long> held = leases.stream().map(lease -> lease.url().id()).filter(leased::holds).collect(Collectors.toSet());
    leases.stream().filter(lease -> !held.contains(lease.url().id())).forEach(accept);
    if (!held.isEmpty()) {
      log.info("A claim returned {} URLs this node still holds; each keeps its one fetch", held.size());
      frontier.uncount(List.copyOf(held), nodeId)
          .onFailure(err -> log.debug("Could not take back {} attempts", held.size(), err));
    }
  }
}
