package dev.fetchbus.api;

import dev.fetchbus.archive.ArchivedPage;
import dev.fetchbus.archive.WarcStream;
import dev.fetchbus.content.Header;
import dev.fetchbus.cpu.CpuPool;
import dev.fetchbus.store.ExportColumns;
import dev.fetchbus.store.JobRow;
import dev.fetchbus.store.PageTable;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/jobs/{id}/warc}: the job's records as a WARC/1.1 file (gzip member per record),
 * streamed a keyset page at a time, bodies decompressed and records written on worker threads.
 * {@code GET /v1/jobs/{id}/cdx}: the CDXJ index of that same file. The file is a pure function of
 * the job's records, so the index is built by writing the file again and keeping only offsets;
 * for an ended job, both are stable across requests and nodes.
 */
final class WarcExport {
  private static final int PAGE_ROWS = 16;
  private static final ExportColumns COLUMNS = new ExportColumns(false, true, true);

  private final CpuPool cpu;
  private final PageTable pages;
  private final JobRoutes jobs;
  private final ExportSlots slots;

  WarcExport(CpuPool cpu, PageTable pages, JobRoutes jobs, ExportSlots slots) {
    this.slots = slots;
    this.cpu = cpu;
    this.pages = pages;
    this.jobs = jobs;
  }

  void warc(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    jobs.visibleJob(ctx).compose(job -> {
      Runnable release = slots.take(Auth.user(ctx).id(), response);
      WarcStream warc = stream(job);
      response.setChunked(true).putHeader("Content-Type", "application/warc")
          .putHeader("Content-Disposition", "attachment; filename=\"" + warc.filename() + "\"");
      response.write(Buffer.buffer(warc.warcinfo()));
      return new KeysetPages(pages, COLUMNS, PAGE_ROWS, ctx.request(), release, slots.vertx(), slots.stallMs())
          .each(job.id(), 0, rows -> cpu.runOrdered(() -> append(warc, rows)))
          .compose(v -> response.end());
    }).onFailure(err -> failed(ctx, err));
  }

  void cdx(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    jobs.visibleJob(ctx).compose(job -> {
      Runnable release = slots.take(Auth.user(ctx).id(), response);
      WarcStream warc = stream(job);
      warc.warcinfo();
      return new KeysetPages(pages, COLUMNS, PAGE_ROWS, ctx.request(), release, slots.vertx(), slots.stallMs())
          .each(job.id(), 0, rows -> cpu.runOrdered(() -> {
            append(warc, rows); // the index keeps only the offsets: nothing is sent until the end
            return Buffer.buffer();
          }))
          .compose(v -> response.putHeader("Content-Type", "text/plain; charset=utf-8")
              .end(String.join("\n", warc.cdxLines()) + (warc.cdxLines().isEmpty() ? "" : "\n")));
    }).onFailure(err -> failed(ctx, err));
  }

  private static WarcStream stream(JobRow job) {
    return new WarcStream(job.id(), job.createdAt().toInstant(), "fetchbus", "fetchbus-job-" + job.id() + ".warc.gz");
  }

  private static Buffer append(WarcStream warc, RowSet<Row> rows) {
    Buffer out = Buffer.buffer();
    for (Row row : rows) {
      out.appendBytes(warc.append(archived(row)));
    }
    return out;
  }

  /** A stored record as the WARC writer reads it; a 304 carries no payload of its own. */
  private static ArchivedPage archived(Row row) {
    boolean notModified = row.getBoolean("not_modified");
    Integer status = row.getInteger("status");
    String url = row.getString("final_url") != null ? row.getString("final_url") : row.getString("url");
    String protocol = row.getString("protocol") == null ? "HTTP/1.1" : row.getString("protocol");
    String reason = row.getString("reason") == null ? "" : row.getString("reason");
    byte[] body = notModified ? null : ExportFields.body(row);
    // a response whose body was not kept (store: none) is archived as a payload cut to nothing
    boolean truncated = row.getBoolean("truncated") || (!notModified && body == null);
    return new ArchivedPage(row.getLong("url_id"), url, row.getOffsetDateTime("fetched_at").toInstant(), protocol,
        entries(Header.fromJson(row.getValue("request_headers"))), status == null ? 0 : status, reason,
        entries(Header.fromJson(row.getValue("response_headers"))), body, truncated, notModified,
        row.getString("content_type"));
  }

  private static List<Map.Entry<String, String>> entries(List<Header> headers) {
    return headers.stream()
        .<Map.Entry<String, String>>map(h -> new AbstractMap.SimpleImmutableEntry<>(h.name(), h.value()))
        .toList();
  }

  private static void failed(RoutingContext ctx, Throwable err) {
    if (!ctx.response().headWritten()) {
      ctx.fail(err);
    } else if (!ctx.response().closed()) {
      ctx.response().reset(); // a cut-off archive must not look whole
    }
  }
}
