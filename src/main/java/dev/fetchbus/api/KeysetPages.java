package dev.fetchbus.api;

import dev.fetchbus.store.ExportColumns;
import dev.fetchbus.store.PageTable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.function.Function;

/**
 * Reads a job's records a keyset page at a time (one short query each, no transaction or cursor
 * held while a client reads) and hands each page to a sink; the next page is read only once the
 * client's socket has room again. Stops early when the client goes away.
 */
final class KeysetPages {
  private final PageTable pages;
  private final ExportColumns columns;
  private final int pageRows;
  private final HttpServerResponse response;
  private Promise<Void> waitingForRoom;

  /** {@code onClose} runs when the client's connection closes (the response has one close handler: this). */
  KeysetPages(PageTable pages, ExportColumns columns, int pageRows, HttpServerResponse response, Runnable onClose) {
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
      if (rows.size() < pageRows) {
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
    response.drainHandler(v -> room.tryComplete());
    return room.future();
  }

  private static long lastCursor(RowSet<Row> rows) {
    long last = 0;
    for (Row row : rows) {
      last = row.getLong("url_id");
    }
    return last;
  }
}
