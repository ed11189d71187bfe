package dev.fetchbus.api;

import dev.fetchbus.store.ExportColumns;
import dev.fetchbus.store.PageTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/**
 * Reads a job's records a keyset page at a time (one short query each, no transaction or cursor
 * held while a client reads), renders each page and writes it to the client. A page is written
 * only once the client's socket has taken the one before it, so an export holds at most two pages
 * in memory however slowly its client reads.
 *
 * <p>Why not {@code writeQueueFull()} and a drain handler: in Vert.x 5 that queue counts messages
 * (16), not bytes, and only once the socket is full; with pages of megabytes an export that nobody
 * read buffered 16 of them (60 MB) in the heap, or ended with all of it there. Here the write
 * futures say when bytes reached the socket, and a client that takes none for {@code stallMs} while
 * some wait is cut off.
 */
final class KeysetPages {
  /** Pages are written in slices, so that a slow reader's progress is seen within one page. */
  private static final int SLICE_BYTES = 64 * 1024;

  private final PageTable pages;
  private final ExportColumns columns;
  private final int pageRows;
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final Vertx vertx;
  private final long stallMs;
  private int slicesWaiting;
  private long lastProgressMs;
  private long bytesQueued;
  private long bytesTaken;

  /** {@code onClose} runs when the client's connection closes (the response has one close handler: this). */
  KeysetPages(PageTable pages, ExportColumns columns, int pageRows, HttpServerRequest request, Runnable onClose,
      Vertx vertx, long stallMs) {
    this.request = request;
    this.response = request.response();
    this.vertx = vertx;
    this.stallMs = stallMs;
    this.pages = pages;
    this.columns = columns;
    this.pageRows = pageRows;
    response.closeHandler(v -> onClose.run());
  }

  /**
   * Every record of the job after {@code after}, page by page, rendered by {@code render} and
   * written; completes once the last page's bytes are in the socket (the caller ends the response).
   */
  Future<Void> each(long jobId, long after, Function<RowSet<Row>, Future<Buffer>> render) {
    long watchdog = vertx.setPeriodic(Math.max(50, stallMs / 4), id -> cutOffWhenStalled());
    return next(jobId, after, render, Future.succeededFuture()).eventually(() -> {
      vertx.cancelTimer(watchdog);
      return Future.succeededFuture();
    });
  }

  /** Reads and renders the next page while the previous one is still going out. */
  private Future<Void> next(long jobId, long after, Function<RowSet<Row>, Future<Buffer>> render,
      Future<Void> previous) {
    if (response.closed()) {
      return Future.failedFuture("the client went away");
    }
    return pages.page(jobId, after, columns, pageRows).compose(rows -> render.apply(rows)
        .compose(bytes -> previous.compose(v -> {
          Future<Void> written = write(bytes);
          // a page with bodies is cut by bytes (PageTable.page), so only an empty one says the job is done
          if (rows.size() == 0 || (rows.size() < pageRows && !columns.body())) {
            return written;
          }
          return next(jobId, lastCursor(rows), render, written);
        })));
  }

  /** Writes in slices; completes when the last slice is in the socket. Each slice taken is progress. */
  private Future<Void> write(Buffer bytes) {
    Future<Void> last = Future.succeededFuture();
    for (int at = 0; at < bytes.length(); at += SLICE_BYTES) {
      Buffer slice = bytes.slice(at, Math.min(bytes.length(), at + SLICE_BYTES));
      if (slicesWaiting++ == 0) {
        lastProgressMs = System.currentTimeMillis(); // time spent reading the database is not the client's
      }
      bytesQueued += slice.length();
      last = response.write(slice).andThen(done -> {
        slicesWaiting--;
        if (done.succeeded()) {
          bytesTaken += slice.length();
          lastProgressMs = System.currentTimeMillis();
        }
      });
    }
    return last;
  }

  private void cutOffWhenStalled() {
    if (slicesWaiting > 0 && !response.closed() && System.currentTimeMillis() - lastProgressMs >= stallMs) {
      cutOff();
    }
  }

  /**
   * Closes the client's connection at once. Vert.x's own close and shutdown are graceful: they wait
   * for the bytes queued for the client to be flushed, which a client that stopped reading never
   * lets happen. So the channel is closed underneath (internal API, hence the fallback).
   */
  private void cutOff() {
    LoggerFactory.getLogger(KeysetPages.class).info(
        "Export cut off: its client read nothing for {} ms ({}; {} bytes queued, {} taken by the socket)",
        stallMs, request.remoteAddress(), bytesQueued, bytesTaken);
    if (request.connection() instanceof ConnectionBase connection) {
      // from the head of the pipeline: Vert.x's own handler would turn the close into a graceful one
      connection.channel().pipeline().firstContext().close();
    } else {
      request.connection().shutdown(1, TimeUnit.MILLISECONDS);
    }
  }

  private static long lastCursor(RowSet<Row> rows) {
    long last = 0;
    for (Row row : rows) {
      last = row.getLong("url_id");
    }
    return last;
  }
}
