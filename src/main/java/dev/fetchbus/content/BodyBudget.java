package dev.fetchbus.content;

import dev.fetchbus.cache.NodeShared;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The node's bound on the memory pages cost, in bytes: bodies being read (twice their bytes: a
 * growing buffer copies itself), the copies made to hash, extract and compress a body read (twice
 * its bytes again, until its record is built), and the compressed body a record carries until the
 * store has written it. Without it the bound is {@code fetch.maxInFlight} × the largest body a job
 * allows, which a site of large pages can reach and a fixed heap cannot hold.
 *
 * <p>A reader takes every chunk it receives (the chunk is in memory already) and pauses its response
 * while the node is over the limit, until bytes are given back. Pausing everyone could deadlock
 * when only readers hold bytes: every reader would wait for bytes only the paused readers hold. So
 * then one reader at a time, the <em>runner</em>, may go over the limit and read on; it gives up
 * the role together with its bytes, once its record is built (which needs no budget, so it always
 * happens). Bytes {@linkplain #charge charged} for work past reading (processing, records waiting
 * for the store) are sure to be released without any reader's help, so while there are any no
 * runner is let through: a store slower than the fetches makes readers wait rather than pile up
 * records. The held bytes thus stay below the limit plus one body plus one chunk per paused reader.
 *
 * <p>Shared by the fetchers of a node, whose event loops differ: the state is guarded by the
 * instance's monitor, and each waiter resumes on its own context (the callback takes care of that).
 */
public final class BodyBudget {
  private final long limit;
  private long held;
  /** The part of {@link #held} charged for work past reading: released whatever the readers do. */
  private long charged;
  private long highWater;
  private Object runner;
  private final Deque<Runnable> waiting = new ArrayDeque<>();

  public BodyBudget(long limit) {
    this.limit = limit;
  }

  /** The node's one budget, shared by its fetchers, frontier and store; the first caller sets the limit. */
  public static BodyBudget of(Vertx vertx, long limit) {
    return NodeShared.get(vertx, "bodyBudget", () -> new BodyBudget(limit));
  }

  /**
   * Counts {@code bytes} against the budget for {@code reader}. Returns true when the reader may read
   * on; false when it must pause, in which case {@code resume} runs once bytes have been given back.
   */
  public synchronized boolean take(Object reader, long bytes, Runnable resume) {
    add(bytes);
    if (held <= limit || runner == reader) {
      return true;
    }
    if (runner == null && charged == 0) {
      runner = reader;
      return true;
    }
    waiting.add(resume);
    return false;
  }

  /**
   * Counts bytes that are in memory already and cannot wait (a body being compressed, a record on
   * its way to the store). It never pauses its caller; readers wait until it is {@linkplain #release released}.
   */
  public synchronized void charge(long bytes) {
    add(bytes);
    charged += bytes;
  }

  /** Releases charged bytes; wakes the waiting readers that now fit, or one to run when only readers hold bytes. */
  public void release(long bytes) {
    Deque<Runnable> wake;
    synchronized (this) {
      charged -= bytes;
      wake = freed(bytes);
    }
    wake.forEach(Runnable::run);
  }

  /** The reader is done with its body (or abandoned it): another reader may now run over the limit. */
  public void finished(Object reader) {
    Runnable next;
    synchronized (this) {
      if (runner != reader) {
        return;
      }
      runner = null;
      next = charged == 0 ? waiting.poll() : null;
    }
    if (next != null) {
      next.run(); // the next reader gets its turn, over the limit if need be
    }
  }

  /** Gives back a reader's bytes once its record is built; wakes the waiting readers that now fit. */
  public void give(long bytes) {
    Deque<Runnable> wake;
    synchronized (this) {
      wake = freed(bytes);
    }
    wake.forEach(Runnable::run);
  }

  private void add(long bytes) {
    held += bytes;
    highWater = Math.max(highWater, held);
  }

  /** Under the monitor: who may go on now that {@code bytes} are free. */
  private Deque<Runnable> freed(long bytes) {
    held -= bytes;
    Deque<Runnable> wake = new ArrayDeque<>();
    while (held < limit && !waiting.isEmpty()) {
      wake.add(waiting.poll());
    }
    if (wake.isEmpty() && runner == null && charged == 0 && !waiting.isEmpty()) {
      wake.add(waiting.poll()); // only readers hold bytes: one of them must run, or none ever will
    }
    return wake;
  }

  public synchronized long held() {
    return held;
  }

  public synchronized long charged() {
    return charged;
  }

  /** The most ever held at once: what the tests and the dashboard compare with the limit. */
  public synchronized long highWater() {
    return highWater;
  }
}
