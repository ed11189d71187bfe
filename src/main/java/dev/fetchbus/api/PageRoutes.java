package dev.fetchbus.api;

import dev.fetchbus.content.BodyCodec;
import dev.fetchbus.content.Bytes;
import dev.fetchbus.content.StoredBody;
import dev.fetchbus.cpu.CpuPool;
import dev.fetchbus.store.BodyTable;
import dev.fetchbus.store.PageTable;
import dev.fetchbus.store.ScreenshotTable;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;

/**
 * One stored page: {@code GET /v1/jobs/{id}/pages/{cursor}} (the record with its headers and links)
 * and {@code .../body} (the bytes as the origin served them, with their Content-Type, and the
 * content hash as ETag). Decompression runs on a worker thread.
 */
final class PageRoutes {
  private final CpuPool cpu;
  private final PageTable pages;
  private final BodyTable bodies;
  private final ScreenshotTable screenshots;
  private final JobRoutes jobs;

  PageRoutes(CpuPool cpu, PageTable pages, BodyTable bodies, ScreenshotTable screenshots, JobRoutes jobs) {
    this.cpu = cpu;
    this.screenshots = screenshots;
    this.pages = pages;
    this.bodies = bodies;
    this.jobs = jobs;
  }

  Future<JsonObject> record(RoutingContext ctx) {
    return stored(ctx).map(row -> {
      JsonObject json = RecordJson.of(row);
      RecordJson.headers(json, row);
      RecordJson.outlinks(json, row);
      return json;
    });
  }

  void body(RoutingContext ctx) {
    stored(ctx).compose(row -> {
      String hash = row.getString("content_hash");
      if (!row.getBoolean("body_stored") || hash == null) {
        return Future.failedFuture(ApiError.notFound("No body was kept for record " + row.getLong("url_id")
            + " (its job stored none, or it got no response)"));
      }
      String etag = '"' + hash + '"';
      if (etag.equals(ctx.request().getHeader("If-None-Match"))) {
        return ctx.response().setStatusCode(304).putHeader("ETag", etag).end();
      }
      return bodies.read(hash)
          .map(found -> found.orElseThrow(() -> ApiError.notFound("The body of record " + row.getLong("url_id")
              + " is no longer stored")))
          .compose(body -> cpu.run(() -> decompressed(body)))
          .compose(bytes -> ctx.response()
              .putHeader("Content-Type", contentType(row))
              .putHeader("ETag", etag)
              .putHeader("X-Fetchbus-Truncated", String.valueOf(row.getBoolean("truncated")))
              .end(bytes));
    }).onFailure(ctx::fail);
  }

  /** {@code .../screenshot}: the PNG of a rendered page, for jobs with {@code screenshot: true}. */
  void screenshot(RoutingContext ctx) {
    long cursor = JobViews.parseId(ctx.pathParam("cursor"));
    jobs.visibleJob(ctx)
        .compose(job -> pages.record(job.id(), cursor)
            .map(found -> found.orElseThrow(() -> ApiError.notFound("No record " + cursor + " in this job")))
            .compose(row -> screenshots.hash(job.id(), cursor)))
        .compose(hash -> hash.isEmpty()
            ? Future.failedFuture(ApiError.notFound("No screenshot was kept for this record (its job had no "
                + "render: chromium with screenshot: true, or the page was not rendered)"))
            : bodies.read(hash.get()).map(found -> found.orElseThrow(
                () -> ApiError.notFound("The screenshot of this record is no longer stored"))))
        .compose(png -> cpu.run(() -> decompressed(png)))
        .compose(bytes -> ctx.response().putHeader("Content-Type", "image/png").end(bytes))
        .onFailure(ctx::fail);
  }

  private Future<Row> stored(RoutingContext ctx) {
    long cursor = JobViews.parseId(ctx.pathParam("cursor"));
    return jobs.visibleJob(ctx)
        .compose(job -> pages.record(job.id(), cursor))
        .map(found -> found.orElseThrow(() -> ApiError.notFound("No record " + cursor + " in this job")));
  }

  private static Buffer decompressed(StoredBody body) {
    return Bytes.wrap(BodyCodec.decompress(body.codec(), body.data(), body.size()));
  }

  private static String contentType(Row row) {
    String type = row.getString("content_type");
    return type == null ? "application/octet-stream" : type;
  }
}
