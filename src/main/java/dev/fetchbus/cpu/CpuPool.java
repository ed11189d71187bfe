package dev.fetchbus.cpu;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;

/**
 * The node's pool for CPU work (HTML scanning, hashing, compression, exports' text and WARC), as
 * many threads as cores ({@code cpu.threads}). Not Vert.x's shared worker pool of 20: 20 threads
 * parsing on 2 cores starved the event loops (lag up to 251 ms in a crawl), while a pool the size
 * of the machine leaves the loops their share. Blocking I/O (DNS, files) stays on the worker pool.
 * Every caller gets a handle to the same named pool.
 */
public final class CpuPool {
  public static final String NAME = "fetchbus-cpu";

  /** Null when the work runs on the caller's event loop ({@code tuning.cpuOnEventLoop}). */
  private final WorkerExecutor executor;

  private CpuPool(WorkerExecutor executor) {
    this.executor = executor;
  }

  /** The node's pool; {@code threads} 0 or less means one per core. */
  public static CpuPool of(Vertx vertx, int threads) {
    return of(vertx, threads, false);
  }

  /**
   * Like {@link #of(Vertx, int)}; with {@code onEventLoop} the work runs right where it is asked
   * for, on the event loop: the experiment that shows what the pool is for (never for production).
   */
  public static CpuPool of(Vertx vertx, int threads, boolean onEventLoop) {
    if (onEventLoop) {
      return new CpuPool(null);
    }
    int size = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    return new CpuPool(vertx.createSharedWorkerExecutor(NAME, size));
  }

  /** Runs {@code work} on the pool; its future completes on the caller's context. */
  public <T> Future<T> run(Callable<T> work) {
    return executor == null ? inline(work) : executor.executeBlocking(work, false);
  }

  /** Like {@link #run}, but in submission order with the other ordered work of this handle. */
  public <T> Future<T> runOrdered(Callable<T> work) {
    return executor == null ? inline(work) : executor.executeBlocking(work, true);
  }

  private static <T> Future<T> inline(Callable<T> work) {
    try {
      return Future.succeededFuture(work.call());
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
  }
}
