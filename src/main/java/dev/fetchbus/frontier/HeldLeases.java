package dev.fetchbus.frontier;

import dev.fetchbus.store.FrontierTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongToIntFunction;
import java.util.function.Predicate;

/**
 * The leases this node holds, by URL id: waiting for a host slot, fetching, or waiting for the
 * store. Used on the frontier's event loop only.
 */
final class HeldLeases {
  private final Map<Long, Lease> byUrl = new HashMap<>();

  void put(Lease lease) {
    byUrl.put(lease.url().id(), lease);
  }

  boolean holds(long urlId) {
    return byUrl.containsKey(urlId);
  }

  Lease remove(long urlId) {
    return byUrl.remove(urlId);
  }

  int size() {
    return byUrl.size();
  }

  /** Whether a lease of the job is held: work of it waiting here, fetching, or waiting for the store. */
  boolean holdsJob(long jobId) {
    for (Lease lease : byUrl.values()) {
      if (lease.url().jobId() == jobId) {
        return true;
      }
    }
    return false;
  }

  /**
   * The jobs whose users already hold twice their fetch share on this node: claiming more of their
   * URLs would only fill the buffer with work that must wait, and hold back other users' work.
   */
  Long[] crowdedJobs(LongToIntFunction share) {
    Map<Long, Integer> perUser = new HashMap<>();
    byUrl.values().forEach(lease -> perUser.merge(lease.user(), 1, Integer::sum));
    Set<Long> jobs = new HashSet<>();
    for (Lease lease : byUrl.values()) {
      if (lease.user() != 0 && perUser.get(lease.user()) >= 2L * share.applyAsInt(lease.user())) {
        jobs.add(lease.url().jobId());
      }
    }
    return jobs.toArray(Long[]::new);
  }

  /**
   * Takes the waiting leases {@code which} selects out of the scheduler and out of this set, and
   * answers their URL ids, for the caller to give back. Synchronous fetches among them (nothing to
   * give back) are failed with {@code why}.
   */
  List<Long> takeWaiting(HostScheduler<HostScheduler.Work> scheduler, Predicate<Lease> which, String why) {
    List<Long> ids = new ArrayList<>();
    for (HostScheduler.Work work : scheduler.removeWaiting(w -> w instanceof Lease lease && which.test(lease))) {
      Lease lease = (Lease) work;
      if (lease.isSynchronous()) {
        lease.answer().tryFail(why);
      } else {
        byUrl.remove(lease.url().id());
        ids.add(lease.url().id());
      }
    }
    return ids;
  }

  /** Extends the held leases, so URLs waiting for a polite slot are not taken over; a no-op when none is held. */
  Future<Integer> renew(FrontierTable frontier, int leaseSeconds, String nodeId) {
    if (byUrl.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return frontier.renew(new ArrayList<>(byUrl.keySet()), leaseSeconds, nodeId);
  }

  /** Completes once no lease is held any more, or at {@code deadlineMs}, whichever is first. */
  Future<Void> drained(Vertx vertx, long deadlineMs) {
    if (byUrl.isEmpty() || System.currentTimeMillis() > deadlineMs) {
      return Future.succeededFuture();
    }
    return vertx.timer(50).compose(v -> drained(vertx, deadlineMs));
  }
}
