package dev.fetchbus.frontier;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.LongToIntFunction;
import java.util.function.Predicate;

/**
 * Politeness as data: a queue and a slot per host, and one global in-flight bound. Work starts
 * only when its host has a free slot (per-host concurrency), its host's delay has passed (the job's
 * delay or the host's Crawl-delay, whichever is longer, plus jitter), its host is not held (waiting
 * for robots.txt) or paused (Retry-After), and while the node is under {@code maxInFlight}. Hosts
 * take turns, so one big host cannot starve the rest. Not thread-safe: it lives on the frontier's
 * event loop.
 */
public final class HostScheduler<W extends HostScheduler.Work> {

  /** A unit of work for one host, with that host's limits as its job set them. */
  public interface Work {
    String host();

    int hostConcurrency();

    int hostDelayMs();

    /** The user whose work this is, for the per-user bound; 0 for work no user's bound applies to. */
    default long user() {
      return 0;
    }

    /**
     * Whether it counts against {@code maxInFlight} (and {@link #waiting}). A host slot lent to a
     * rendered page's subresource does not: the page it serves already counts, and letting the
     * slot wait for room the waiting page itself holds could stall both until the page times out.
     */
    default boolean counted() {
      return true;
    }
  }

  private static final class Host<W> {
    final String name;
    final ArrayDeque<W> queue = new ArrayDeque<>();
    int active;
    long nextStartAt;
    long minDelayMs;
    boolean held;
    boolean inRing;

    Host(String name) {
      this.name = name;
    }
  }

  private final int maxInFlight;
  private final LongSupplier clock;
  private final double jitter;
  private final DoubleSupplier random;
  private final Map<String, Host<W>> hosts = new HashMap<>();
  /** Started work per user, and how much each user may run on this node at once. */
  private final Map<Long, Integer> activeByUser = new HashMap<>();
  private LongToIntFunction userLimit = user -> Integer.MAX_VALUE;
  private final ArrayDeque<Host<W>> ring = new ArrayDeque<>();
  private int inFlight;
  private int waiting;
  /** Waiting work that does not count against {@code maxInFlight}: it may start when the node is full. */
  private int waitingUncounted;

  public HostScheduler(int maxInFlight, LongSupplier clockMs) {
    this(maxInFlight, clockMs, 0, () -> 0);
  }

  /** {@code jitter} stretches each delay by a random fraction up to it (0.2: up to 20 % longer). */
  public HostScheduler(int maxInFlight, LongSupplier clockMs, double jitter, DoubleSupplier random) {
    this.maxInFlight = maxInFlight;
    this.clock = clockMs;
    this.jitter = jitter;
    this.random = random;
  }

  /**
   * Bounds the work each user may have started at once on this node. A host whose waiting work all
   * belongs to users at their bound waits (others' work behind it on the same host may start), and
   * is looked at again when one of those users' work finishes.
   */
  public void boundUsers(LongToIntFunction limit) {
    this.userLimit = limit;
  }

  /** Whether nothing is known of this host (it has no queue, no running work and no pending delay). */
  public boolean isNew(String host) {
    return !hosts.containsKey(host);
  }

  /** Holds a host's work until {@link #release}: used while its robots.txt is being read. */
  public void hold(String host) {
    hosts.computeIfAbsent(host, Host::new).held = true;
  }

  /** Lets a held host's work start, at least {@code minDelayMs} apart (its Crawl-delay). */
  public void release(String host, long minDelayMs) {
    Host<W> state = hosts.get(host);
    if (state == null) {
      return;
    }
    state.held = false;
    state.minDelayMs = Math.max(0, minDelayMs);
    if (!state.queue.isEmpty()) {
      enterRing(state);
    }
  }

  /** Starts nothing on this host for {@code ms} (a server's Retry-After). */
  public void pause(String host, long ms) {
    Host<W> state = hosts.computeIfAbsent(host, Host::new);
    state.nextStartAt = Math.max(state.nextStartAt, clock.getAsLong() + ms);
  }

  public void add(W work) {
    Host<W> host = hosts.computeIfAbsent(work.host(), Host::new);
    host.queue.add(work);
    if (work.counted()) {
      waiting++;
    } else {
      waitingUncounted++;
    }
    enterRing(host);
  }

  /**
   * Starts all work that may start now. Returns the milliseconds until a host held back by its
   * delay may start, or -1 when nothing is waiting on a delay.
   */
  public long pump(Consumer<W> starter) {
    long now = clock.getAsLong();
    long nextWake = -1;
    for (int turns = ring.size(); turns > 0 && (inFlight < maxInFlight || waitingUncounted > 0); turns--) {
      Host<W> host = ring.poll();
      host.inRing = false;
      if (host.held) {
        continue;
      }
      while (!host.queue.isEmpty() && host.active < host.queue.peek().hostConcurrency()) {
        if (now < host.nextStartAt) {
          nextWake = nextWake < 0 ? host.nextStartAt - now : Math.min(nextWake, host.nextStartAt - now);
          break;
        }
        W work = takeStartable(host, inFlight >= maxInFlight);
        if (work == null) {
          break;
        }
        host.active++;
        if (work.counted()) {
          waiting--;
          inFlight++;
        } else {
          waitingUncounted--;
        }
        if (work.user() != 0) {
          activeByUser.merge(work.user(), 1, Integer::sum);
        }
        host.nextStartAt = now + delay(Math.max(work.hostDelayMs(), host.minDelayMs));
        starter.accept(work);
      }
      if (!host.queue.isEmpty()) {
        if (hasStartable(host)) {
          enterRing(host);
        }
      } else if (host.active == 0) {
        // an idle host is kept only while its delay still runs, so a later pump can forget it
        if (host.nextStartAt <= now) {
          hosts.remove(host.name);
        } else {
          enterRing(host);
        }
      }
    }
    return nextWake;
  }

  /** The work has finished: its host slot and its global slot are free again. */
  public void finished(W work) {
    Host<W> host = hosts.get(work.host());
    if (work.counted()) {
      inFlight--;
    }
    host.active--;
    if (work.user() != 0
        && activeByUser.merge(work.user(), -1, Integer::sum) + 1 >= userLimit.applyAsInt(work.user())) {
      // the user was at its bound: hosts that waited only on it may start again
      hosts.values().forEach(h -> {
        if (!h.queue.isEmpty()) {
          enterRing(h);
        }
      });
    }
    activeByUser.remove(work.user(), 0);
    if (host.queue.isEmpty() && host.active == 0 && host.nextStartAt <= clock.getAsLong()) {
      hosts.remove(work.host());
    } else if (!host.queue.isEmpty() || host.active == 0) {
      enterRing(host);
    }
  }

  /** Removes and returns waiting (not started) work that matches, for example a cancelled job's. */
  public List<W> removeWaiting(Predicate<W> which) {
    List<W> removed = new ArrayList<>();
    for (Host<W> host : hosts.values()) {
      Iterator<W> it = host.queue.iterator();
      while (it.hasNext()) {
        W work = it.next();
        if (which.test(work)) {
          it.remove();
          removed.add(work);
        }
      }
    }
    for (W work : removed) {
      if (work.counted()) {
        waiting--;
      } else {
        waitingUncounted--;
      }
    }
    return removed;
  }

  public int inFlight() {
    return inFlight;
  }

  public int waiting() {
    return waiting;
  }

  public int hosts() {
    return hosts.size();
  }

  /**
   * The first waiting work of this host whose user is under its bound (when the node is {@code full},
   * only work that does not count against it), taken out of the queue; null if none.
   */
  private W takeStartable(Host<W> host, boolean full) {
    for (Iterator<W> it = host.queue.iterator(); it.hasNext(); ) {
      W work = it.next();
      if ((!full || !work.counted()) && mayStart(work)) {
        it.remove();
        return work;
      }
    }
    return null;
  }

  private boolean hasStartable(Host<W> host) {
    for (W work : host.queue) {
      if (mayStart(work)) {
        return true;
      }
    }
    return false;
  }

  private boolean mayStart(W work) {
    return work.user() == 0 || activeByUser.getOrDefault(work.user(), 0) < userLimit.applyAsInt(work.user());
  }

  /** Started work of this user on this node. */
  public int activeOf(long user) {
    return activeByUser.getOrDefault(user, 0);
  }

  private long delay(long baseMs) {
    return baseMs == 0 ? 0 : baseMs + (long) (baseMs * jitter * random.getAsDouble());
  }

  private void enterRing(Host<W> host) {
    if (!host.held && !host.inRing) {
      host.inRing = true;
      ring.add(host);
    }
  }
}
