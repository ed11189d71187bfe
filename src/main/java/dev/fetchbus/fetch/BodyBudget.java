package dev.fetchbus.fetch;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The node's bound on response bytes held in memory: bodies being read, and bodies read but not
 * yet turned into a record (hashing, extraction). Without it the bound is {@code fetch.maxInFlight}
 * × the largest body a job allows, which a site of large pages can reach and a fixed heap cannot hold.
 *
 * <p>A reader takes every chunk it receives (the chunk is in memory already) and pauses its response
 * while the node is over the limit, until bytes are given back. Pausing everyone could deadlock:
 * every reader would wait for bytes only the paused readers hold. So one reader at a time, the
 * <em>runner</em>, may go over the limit and read on; it gives up the role together with its bytes,
 * once its record is built (which needs no budget, so it always happens). The held bytes thus stay
 * below the limit plus one body plus one chunk per paused reader.
 *
 * <p>Shared by the fetchers of a node, whose event loops differ: the state is guarded by the
 * instance's monitor, and each waiter resumes on its own context (the callback takes care of that).
 */
public final class BodyBudget {
  private final long limit;
  private long held;
  private long highWater;
  private Object runner;
  private final Deque<Runnable> waiting = new ArrayDeque<>();

  public BodyBudget(long limit) {
    this.limit = limit;
  }

  /**
   * Counts {@code bytes} against the budget for {@code reader}. Returns true when the reader may read
   * on; false when it must pause, in which case {@code resume} runs once bytes have been given back.
   */
  public synchronized boolean take(Object reader, long bytes, Runnable resume) {
    held += bytes;
    highWater = Math.max(highWater, held);
    if (held <= limit || runner == reader) {
      return true;
    }
    if (runner == null) {
      runner = reader;
      return true;
    }
    waiting.add(resume);
    return false;
  }

  /** The reader is done with its body (or abandoned it): another reader may now run over the limit. */
  public void finished(Object reader) {
    Runnable next;
    synchronized (this) {
      if (runner != reader) {
        return;
      }
      runner = null;
      next = waiting.poll();
    }
    if (next != null) {
      next.run(); // the next reader gets its turn, over the limit if need be
    }
  }

  /** Gives back bytes whose record is built; wakes the waiting readers that now fit. */
  public void give(long bytes) {
    Deque<Runnable> wake = new ArrayDeque<>();
    synchronized (this) {
      held -= bytes;
      while (held < limit && !waiting.isEmpty()) {
        wake.add(waiting.poll());
      }
    }
    wake.forEach(Runnable::run);
  }

  public synchronized long held() {
    return held;
  }

  /** The most ever held at once: what the tests and the dashboard compare with the limit. */
  public synchronized long highWater() {
    return highWater;
  }

  public long limit() {
    return limit;
  }
}
