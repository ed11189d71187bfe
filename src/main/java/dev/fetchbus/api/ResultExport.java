package dev.fetchbus.api;

import dev.fetchbus.store.PageTable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowStream;
import java.time.OffsetDateTime;

/**
 * Streams a job's records from a PostgreSQL cursor as NDJSON or CSV. The cursor is paused while
 * the client's socket is full, so a million records cost the memory of one fetch of rows.
 * {@code ?after=<cursor>} resumes after the record whose {@code cursor} field had that value.
 */
final class ResultExport {
  private static final int FETCH_ROWS = 500;
  static final String CSV_HEADER = "cursor,url,finalUrl,status,contentType,bytes,truncated,title,contentHash,links,"
      + "fetchedAt,elapsedMs,redirects,attempts,error,errorMessage,depth,discoveredFrom,kind,notModified\n";

  private final PageTable pages;
  private final JobRoutes jobRoutes;

  ResultExport(PageTable pages, JobRoutes jobRoutes) {
    this.pages = pages;
    this.jobRoutes = jobRoutes;
  }

  void export(RoutingContext ctx) {
    String format = ctx.queryParams().get("format") == null ? "ndjson" : ctx.queryParams().get("format");
    if (!format.equals("ndjson") && !format.equals("csv")) {
      ctx.fail(ApiError.badRequest("format must be ndjson or csv, not '" + format + "'"));
      return;
    }
    long after;
    try {
      after = ctx.queryParams().get("after") == null ? 0 : Long.parseLong(ctx.queryParams().get("after"));
    } catch (NumberFormatException e) {
      ctx.fail(ApiError.badRequest("after must be a cursor value from an earlier record"));
      return;
    }
    boolean csv = format.equals("csv");
    jobRoutes.visibleJob(ctx)
        .compose(job -> pages.stream(job.id(), after, FETCH_ROWS, rows -> pipe(rows, ctx.response(), csv)))
        .onFailure(err -> {
          if (!ctx.response().closed()) {
            ctx.fail(err);
          }
        });
  }

  private Future<Void> pipe(RowStream<Row> rows, HttpServerResponse response, boolean csv) {
    Promise<Void> done = Promise.promise();
    response.setChunked(true).putHeader("Content-Type", csv ? "text/csv; charset=utf-8" : "application/x-ndjson");
    if (csv) {
      response.write(CSV_HEADER);
    }
    response.closeHandler(closed -> {
      if (done.tryFail("client went away")) {
        rows.close();
      }
    });
    rows.exceptionHandler(done::tryFail);
    rows.endHandler(end -> {
      done.tryComplete();
      response.end();
    });
    rows.handler(row -> {
      response.write(csv ? csvLine(row) : Buffer.buffer(json(row).encode()).appendByte((byte) '\n'));
      if (response.writeQueueFull()) {
        rows.pause();
        response.drainHandler(drained -> rows.resume());
      }
    });
    return done.future();
  }

  static JsonObject json(Row row) {
    String errorCode = row.getString("error_code");
    return new JsonObject()
        .put("cursor", row.getLong("url_id"))
        .put("url", row.getString("url"))
        .put("finalUrl", row.getString("final_url"))
        .put("status", row.getInteger("status"))
        .put("contentType", row.getString("content_type"))
        .put("bytes", row.getLong("bytes"))
        .put("truncated", row.getBoolean("truncated"))
        .put("title", row.getString("title"))
        .put("contentHash", row.getString("content_hash"))
        .put("links", row.getInteger("links"))
        .put("fetchedAt", instant(row.getOffsetDateTime("fetched_at")))
        .put("elapsedMs", row.getInteger("elapsed_ms"))
        .put("redirects", row.getInteger("redirects"))
        .put("attempts", row.getInteger("attempts"))
        .put("error", errorCode == null ? null
            : new JsonObject().put("code", errorCode).put("message", row.getString("error_message")))
        .put("depth", row.getInteger("depth"))
        .put("discoveredFrom", row.getString("discovered_from"))
        .put("kind", row.getString("kind"))
        .put("notModified", row.getBoolean("not_modified"));
  }

  private static Buffer csvLine(Row row) {
    StringBuilder line = new StringBuilder(256);
    Object[] cells = {row.getLong("url_id"), row.getString("url"), row.getString("final_url"), row.getInteger("status"),
        row.getString("content_type"), row.getLong("bytes"), row.getBoolean("truncated"), row.getString("title"),
        row.getString("content_hash"), row.getInteger("links"), instant(row.getOffsetDateTime("fetched_at")),
        row.getInteger("elapsed_ms"), row.getInteger("redirects"), row.getInteger("attempts"),
        row.getString("error_code"), row.getString("error_message"), row.getInteger("depth"),
        row.getString("discovered_from"), row.getString("kind"), row.getBoolean("not_modified")};
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        line.append(',');
      }
      line.append(Csv.escape(cells[i]));
    }
    return Buffer.buffer(line.append('\n').toString());
  }

  private static String instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }
}
