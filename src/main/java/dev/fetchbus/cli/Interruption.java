package dev.fetchbus.cli;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT) and SIGTERM during a run. The JVM answers both by running its shutdown hooks and
 * then halting, while the command's thread goes on. So the hook only asks: it marks the run
 * interrupted, interrupts the command's thread and closes the stream it may be blocked reading (a
 * blocked read ignores interrupts); then it waits for that thread to clean up (partial output
 * deleted, embedded node stopped gracefully, state kept) before it lets the JVM halt, with status
 * 130 for SIGINT. A second Ctrl-C is the JVM's: it waits for the same hook.
 */
final class Interruption {
  /** Long enough for the embedded node's graceful stop (its own bound is 60 s). */
  private static final long CLEAN_UP_SECONDS = 90;
  private final Thread worker;
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Thread hook;
  private volatile boolean requested;
  private volatile Closeable blocking;

  private Interruption(Thread worker) {
    this.worker = worker;
    this.hook = new Thread(this::interrupted, "fetchbus-interrupt");
  }

  /** Watches for interruption of the calling thread's run until {@link #finished} is called. */
  static Interruption install() {
    Interruption interruption = new Interruption(Thread.currentThread());
    Runtime.getRuntime().addShutdownHook(interruption.hook);
    return interruption;
  }

  boolean requested() {
    return requested;
  }

  /** The stream the run is reading now, closed if an interruption comes; null when none. */
  void blockingOn(Closeable stream) {
    blocking = stream;
    if (stream != null && requested) {
      closeQuietly(stream);
    }
  }

  /** Throws if an interruption came, so the run stops at a point where it can clean up. */
  void check() throws InterruptedException {
    if (requested) {
      throw new InterruptedException("interrupted");
    }
  }

  /** The run has cleaned up: a hook still waiting may let the JVM halt; a normal exit removes the hook. */
  void finished() {
    finished.countDown();
    if (!requested) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is already stopping: the hook will find the run finished
      }
    }
  }

  private void interrupted() {
    if (finished.getCount() == 0) {
      return;
    }
    requested = true;
    worker.interrupt();
    Closeable stream = blocking;
    if (stream != null) {
      closeQuietly(stream);
    }
    try {
      finished.await(CLEAN_UP_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Closeable stream) {
    try {
      stream.close();
    } catch (IOException e) {
      // closing is how a blocked read is stopped; a failure to close changes nothing
    }
  }
}
