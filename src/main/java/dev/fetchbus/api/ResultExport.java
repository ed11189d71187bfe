package dev.fetchbus.api;

import dev.fetchbus.cpu.CpuPool;
import dev.fetchbus.store.ExportColumns;
import dev.fetchbus.store.PageTable;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.Set;

/**
 * Streams a job's records as NDJSON or CSV, a keyset page at a time: each page is one short query
 * (no transaction or cursor held while the client reads), and a page is written only once the
 * client's socket has taken the one before it, so a million records cost the memory of two pages.
 * {@code ?after=<cursor>} resumes after the record whose {@code cursor} field had that value;
 * {@code ?fields=} adds html, text, markdown, outlinks or headers (NDJSON only), made on workers.
 */
final class ResultExport {
  private static final int PAGE_ROWS = 500;
  /** Pages of records with bodies are small: each row holds a (compressed) body in memory. */
  private static final int BODY_PAGE_ROWS = 16;
  static final String CSV_HEADER = "cursor,url,finalUrl,status,contentType,bytes,truncated,title,contentHash,links,"
      + "fetchedAt,elapsedMs,redirects,attempts,error,errorMessage,depth,discoveredFrom,kind,notModified,"
      + "description,canonical,lang\n";

  private final CpuPool cpu;
  private final PageTable pages;
  private final JobRoutes jobRoutes;
  private final ExportSlots slots;

  ResultExport(CpuPool cpu, PageTable pages, JobRoutes jobRoutes, ExportSlots slots) {
    this.slots = slots;
    this.cpu = cpu;
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
    Set<ExportFields> fields;
    try {
      after = ctx.queryParams().get("after") == null ? 0 : Long.parseLong(ctx.queryParams().get("after"));
      fields = ExportFields.parse(ctx.queryParams().get("fields"));
    } catch (NumberFormatException e) {
      ctx.fail(ApiError.badRequest("after must be a cursor value from an earlier record"));
      return;
    } catch (ApiError e) {
      ctx.fail(e);
      return;
    }
    if (format.equals("csv") && !fields.isEmpty()) {
      ctx.fail(ApiError.badRequest("fields= adds nested values: ask for format=ndjson"));
      return;
    }
    Export export = new Export(ctx.request(), format.equals("csv"), fields);
    jobRoutes.visibleJob(ctx)
        .compose(job -> {
          Runnable release = slots.take(Auth.user(ctx).id(), ctx.response());
          return export.start().compose(v -> export.from(job.id(), after, release));
        })
        .onFailure(err -> {
          if (!ctx.response().headWritten()) {
            ctx.fail(err);
          } else if (!ctx.response().closed()) {
            ctx.response().reset(); // the client must not take a cut-off export for a whole one
          }
        });
  }

  /** One client's export: pages of rows, rendered on workers when they need it, and written by KeysetPages. */
  private final class Export {
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final boolean csv;
    private final Set<ExportFields> fields;
    private final ExportColumns columns;
    private final int pageRows;

    Export(HttpServerRequest request, boolean csv, Set<ExportFields> fields) {
      this.request = request;
      this.response = request.response();
      this.csv = csv;
      this.fields = fields;
      this.columns = ExportFields.columns(fields);
      this.pageRows = columns.body() ? BODY_PAGE_ROWS : PAGE_ROWS;
    }

    Future<Void> start() {
      response.setChunked(true).putHeader("Content-Type", csv ? "text/csv; charset=utf-8" : "application/x-ndjson");
      return csv ? response.write(CSV_HEADER) : Future.succeededFuture();
    }

    Future<Void> from(long jobId, long after, Runnable release) {
      return new KeysetPages(pages, columns, pageRows, request, release, slots.vertx(), slots.stallMs())
          .each(jobId, after, this::render)
          .compose(v -> response.end());
    }

    private Future<Buffer> render(RowSet<Row> rows) {
      if (!ExportFields.needsWorker(fields)) {
        return Future.succeededFuture(lines(rows));
      }
      return cpu.runOrdered(() -> lines(rows));
    }

    private Buffer lines(RowSet<Row> rows) {
      Buffer out = Buffer.buffer(rows.size() * 256);
      for (Row row : rows) {
        if (csv) {
          out.appendString(CsvRecord.line(row));
        } else {
          out.appendString(ExportFields.render(row, fields).encode()).appendByte((byte) '\n');
        }
      }
      return out;
    }
  }
}
