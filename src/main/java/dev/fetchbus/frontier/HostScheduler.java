package dev.fetchbus.frontier;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Politeness as data: a queue and a slot per host, and one global in-flight bound. Work starts
 * only when its host has a free slot (per-host concurrency) and its host's delay has passed, and
 * while the node is under {@code maxInFlight}. Hosts take turns, so one big host cannot starve the
 * rest. Not thread-safe: it lives on the frontier's event loop.
 */
public final class HostScheduler<W extends HostScheduler.Work> {

  /** A unit of work for one host, with that host's limits as its job set them. */
  public interface Work {
    String host();

    int hostConcurrency();

    int hostDelayMs();
  }

  private static final class Host<W> {
    final String name;
    final ArrayDeque<W> queue = new ArrayDeque<>();
    int active;
    long nextStartAt;
    boolean inRing;

    Host(String name) {
      this.name = name;
    }
  }

  private final int maxInFlight;
  private final LongSupplier clock;
  private final Map<String, Host<W>> hosts = new HashMap<>();
  private final ArrayDeque<Host<W>> ring = new ArrayDeque<>();
  private int inFlight;
  private int waiting;

  public HostScheduler(int maxInFlight, LongSupplier clockMs) {
    this.maxInFlight = maxInFlight;
    this.clock = clockMs;
  }

  public void add(W work) {
    Host<W> host = hosts.computeIfAbsent(work.host(), Host::new);
    host.queue.add(work);
    waiting++;
    enterRing(host);
  }

  /**
   * Starts all work that may start now. Returns the milliseconds until a host held back by its
   * delay may start, or -1 when nothing is waiting on a delay.
   */
  public long pump(Consumer<W> starter) {
    long now = clock.getAsLong();
    long nextWake = -1;
    for (int turns = ring.size(); turns > 0 && inFlight < maxInFlight; turns--) {
      Host<W> host = ring.poll();
      host.inRing = false;
      while (!host.queue.isEmpty() && inFlight < maxInFlight && host.active < host.queue.peek().hostConcurrency()) {
        if (now < host.nextStartAt) {
          nextWake = nextWake < 0 ? host.nextStartAt - now : Math.min(nextWake, host.nextStartAt - now);
          break;
        }
        W work = host.queue.poll();
        waiting--;
        host.active++;
        inFlight++;
        host.nextStartAt = now + work.hostDelayMs();
        starter.accept(work);
      }
      if (!host.queue.isEmpty()) {
        enterRing(host);
      } else if (host.active == 0 && host.nextStartAt <= now) {
        hosts.remove(host.name);
      }
    }
    return nextWake;
  }

  /** The work has finished: its host slot and its global slot are free again. */
  public void finished(W work) {
    Host<W> host = hosts.get(work.host());
    inFlight--;
    host.active--;
    if (host.queue.isEmpty() && host.active == 0 && host.nextStartAt <= clock.getAsLong()) {
      hosts.remove(work.host());
    } else if (!host.queue.isEmpty()) {
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
    waiting -= removed.size();
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

  private void enterRing(Host<W> host) {
    if (!host.inRing) {
      host.inRing = true;
      ring.add(host);
    }
  }
}
