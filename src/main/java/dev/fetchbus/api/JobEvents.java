package dev.fetchbus.api;

import dev.fetchbus.store.JobRow;
import dev.fetchbus.store.JobTable;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * {@code GET /v1/jobs/{id}/events}: Server-Sent Events with the job's progress once a second
 * ({@code event: progress}), and a last {@code event: end} when the job is done or cancelled. The
 * stream stops when the client goes away.
 */
final class JobEvents {
  private static final long PERIOD_MS = 1000;
  private static final Set<String> FINAL = Set.of("done", "cancelled");
  private final Vertx vertx;
  private final JobTable jobs;
  private final JobRoutes jobRoutes;

  JobEvents(Vertx vertx, JobTable jobs, JobRoutes jobRoutes) {
    this.vertx = vertx;
    this.jobs = jobs;
    this.jobRoutes = jobRoutes;
  }

  void stream(RoutingContext ctx) {
    jobRoutes.visibleJob(ctx).onSuccess(job -> {
      HttpServerResponse response = ctx.response().setChunked(true)
          .putHeader("Content-Type", "text/event-stream")
          .putHeader("Cache-Control", "no-cache");
      send(response, job.id());
    }).onFailure(ctx::fail);
  }

  private static JsonObject progress(JobRow job, Integer depth) {
    JsonObject detail = JobViews.detail(job);
    return new JsonObject().put("id", job.id()).put("state", job.state()).put("urls", detail.getJsonObject("urls"))
        .put("pagesPerSecond", detail.getDouble("pagesPerSecond")).put("currentDepth", depth);
  }

  private void send(HttpServerResponse response, long jobId) {
    if (response.closed()) {
      return;
    }
    jobs.find(jobId, null)
        .compose(found -> jobRoutes.figures().withUrlStates(found.orElseThrow()))
        .compose(job -> jobs.currentDepth(jobId).map(depth -> progress(job, depth)))
        .onSuccess(progress -> {
          if (response.closed()) {
            return; // the client left while the counts were read
          }
          boolean last = FINAL.contains(progress.getString("state"));
          response.write("event: " + (last ? "end" : "progress") + "\ndata: " + progress.encode() + "\n\n");
          if (last) {
            response.end();
          } else {
            vertx.setTimer(PERIOD_MS, id -> send(response, jobId));
          }
        })
        .onFailure(err -> response.reset());
  }
}
