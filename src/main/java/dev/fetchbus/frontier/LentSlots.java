package dev.fetchbus.frontier;

import dev.fetchbus.fetch.HostSlots;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * Host slots lent to rendered pages (the other side of {@link HostSlots}): every connection a
 * rendered page opens to a host takes one of that host's politeness slots, in the scheduler of the
 * node that owns the host, under the page's job's {@code hostConcurrency} and {@code hostDelayMs},
 * as a fetch of that host would. A node's fetchers ask their own frontier; one that does not own
 * the host passes the question on to the owner, so the limits hold across the cluster.
 *
 * <p>The grant is a reply that asks for a reply ({@code replyAndRequest}): the borrower's reply is
 * the release, and when none comes within the slot's {@code holdMs} (the borrower died, a message
 * was lost) the slot is taken back anyway, so a lost release can only delay a host, never stall it.
 * Lives on the frontier's event loop.
 */
final class LentSlots {
  /** One slot asked for: a unit of the host scheduler that does not count against maxInFlight. */
  record Loan(String host, int hostConcurrency, int hostDelayMs, long expiresAtMs, long holdMs,
      Message<JsonObject> request) implements HostScheduler.Work {
    @Override
    public boolean counted() {
      return false;
    }
  }

  private final Vertx vertx;
  private final String nodeId;
  private final Function<String, String> ownerOf;
  private final HostScheduler<HostScheduler.Work> scheduler;
  private final Runnable pump;

  /** {@code ownerOf} names the node owning a host name's partition (this node's id when it does). */
  LentSlots(Vertx vertx, String nodeId, Function<String, String> ownerOf, HostScheduler<HostScheduler.Work> scheduler,
      Runnable pump) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.ownerOf = ownerOf;
    this.scheduler = scheduler;
    this.pump = pump;
  }

  /** Where the owner of a host takes slot requests from other nodes' frontiers. */
  static String ownerAddress(String nodeId) {
    return "fetchbus.node." + nodeId + ".slot";
  }

  /** A request from this node's fetchers: queued here when this node owns the host, else passed on to its owner. */
  void asked(Message<JsonObject> request) {
    String owner = ownerOf.apply(request.body().getString(HostSlots.HOST));
    if (owner == null || owner.equals(nodeId)) {
      queue(request);
      return;
    }
    long waitMs = request.body().getLong(HostSlots.WAIT_MS);
    long holdMs = request.body().getLong(HostSlots.HOLD_MS);
    vertx.eventBus()
        .<JsonObject>request(ownerAddress(owner), request.body(), new DeliveryOptions().setSendTimeout(waitMs))
        .onFailure(err -> unanswered(request, owner, err))
        .onSuccess(grant -> request.replyAndRequest(grant.body(), new DeliveryOptions().setSendTimeout(holdMs))
            .onComplete(released -> grant.reply(null)));
  }

  /**
   * The owner could not be asked. When no one listens there (it is stopping, or its frontier is not
   * up yet) the slot is taken here, as the fetches of a host move with its partition; a request
   * that timed out is not: its borrower has stopped waiting.
   */
  private void unanswered(Message<JsonObject> request, String owner, Throwable err) {
    if (err instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS) {
      queue(request);
    } else {
      request.fail(503, "no slot from node " + owner + ": " + err.getMessage());
    }
  }

  /** A request for a host this node owns: waits in the host's queue like a fetch of it. */
  void queue(Message<JsonObject> request) {
    JsonObject body = request.body();
    long now = System.currentTimeMillis();
    scheduler.add(new Loan(body.getString(HostSlots.ORIGIN), body.getInteger(HostSlots.CONCURRENCY),
        body.getInteger(HostSlots.DELAY_MS), now + body.getLong(HostSlots.WAIT_MS), body.getLong(HostSlots.HOLD_MS),
        request));
    pump.run();
  }

  /**
   * The scheduler started {@code loan}: the slot is the borrower's until it replies, or holdMs. A
   * borrower that gave up waiting is not answered; its slot is free at once.
   */
  void start(Loan loan) {
    if (System.currentTimeMillis() >= loan.expiresAtMs()) {
      finish(loan);
      return;
    }
    loan.request().replyAndRequest(new JsonObject().put("node", nodeId),
            new DeliveryOptions().setSendTimeout(loan.holdMs()))
        .onComplete(released -> finish(loan));
  }

  private void finish(Loan loan) {
    scheduler.finished(loan);
    pump.run();
  }
}
