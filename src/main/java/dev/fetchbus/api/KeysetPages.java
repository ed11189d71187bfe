package dev.fetchbus.api;

import dev.fetchbus.store.ExportColumns;
import dev.fetchbus.store.PageTable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
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
 * held while a client reads) and hands each page to a sink; the next page is read only once the
 * client's socket has room again. Stops early when the client goes away.
 */
final class KeysetPages {
  private final PageTable pages;
  private final ExportColumns columns;
  private final int pageRows;
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final Vertx vertx;
  private final long stallMs;
  private Promise<Void> waitingForRoom;

  /**
   * {@code onClose} runs when the client's connection closes (the response has one close handler:
   * this). A client that reads nothing for {@code stallMs} while its socket is full is cut off.
   */
  KeysetPages(PageTable pages, ExportColumns columns, int pageRows, HttpServerRequest request, Runnable onClose,
      Vertx vertx, long stallMs) {
    this.request = request;
    HttpServerResponse response = request.response();
    this.vertx = vertx;
    this.stallMs = stallMs;
    this.pages = pages;
    this.columns = columns;
    this.pageRows = pageRows;
    this.response = response;
    response.closeHandler(v -> {
      onClose.run();
      if (waitingForRoom != null) {
        waitingForRoom.tryComplete();
      }
    });
  }

  /** Every record of the job after {@code after}, page by page, into {@code sink}; completes after the last. */
  Future<Void> each(long jobId, long after, Function<RowSet<Row>, Future<Void>> sink) {
    if (response.closed()) {
      return Future.failedFuture("the client went away");
    }
    return pages.page(jobId, after, columns, pageRows).compose(rows -> sink.apply(rows).compose(v -> {
      // a page with bodies is cut by bytes (PageTable.page), so only an empty one says the job is done
      if (rows.size() == 0 || (rows.size() < pageRows && !columns.body())) {
        return Future.succeededFuture();
      }
      long last = lastCursor(rows);
      return drained().compose(room -> each(jobId, last, sink));
    }));
  }

  private Future<Void> drained() {
    if (!response.writeQueueFull()) {
      return Future.succeededFuture();
    }
    Promise<Void> room = Promise.promise();
    waitingForRoom = room;
    // a write-idle timeout of the export's own: a client that stopped reading gives its slot back
    long stall = vertx.setTimer(stallMs, id -> {
      if (room.tryFail("the client read nothing for " + stallMs + " ms")) {
        cutOff();
      }
    });
    response.drainHandler(v -> {
      vertx.cancelTimer(stall);
      room.tryComplete();
    });
    return room.future();
  }

  /**
   * Closes the client's connection at once. Vert.x's own close and shutdown are graceful: they wait
   * for the bytes queued for the client to be flushed, which a client that stopped reading never
   * lets happen. So the channel is closed underneath (internal API, hence the fallback).
   */
  private void cutOff() {
    LoggerFactory.getLogger(KeysetPages.class).info("Export cut off: its client read nothing for {} ms ({})",
        stallMs, request.remoteAddress());
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
