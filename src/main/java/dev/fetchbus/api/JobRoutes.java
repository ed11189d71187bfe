package dev.fetchbus.api;

import dev.fetchbus.config.JobOptions;
import dev.fetchbus.config.Settings;
import dev.fetchbus.cpu.CpuPool;
import dev.fetchbus.extract.UrlNormalizer;
import dev.fetchbus.frontier.FrontierVerticle;
import dev.fetchbus.store.BodyTable;
import dev.fetchbus.store.FrontierTable;
import dev.fetchbus.store.JobPurge;
import dev.fetchbus.store.JobRow;
import dev.fetchbus.store.JobTable;
import dev.fetchbus.store.UserTable.User;
import dev.fetchbus.store.WebhookTable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Job resources: create (JSON or a streamed text list), read, cancel. */
final class JobRoutes {
  private static final int MAX_LINE_BYTES = 1024 * 1024;
  private final Vertx vertx;
  private final Settings settings;
  private final JobTable jobs;
  private final FrontierTable frontier;
  private final CrawlJobs crawls;
  private final JobFigures figures;
  private final JobPurge purge;
  private final WebhookTable webhooks;
  private final UserLimits limits;

  JobRoutes(Vertx vertx, Settings settings, JobTable jobs, FrontierTable frontier, BodyTable bodies) {
    this.vertx = vertx;
    this.settings = settings;
    this.jobs = jobs;
    this.frontier = frontier;
    this.figures = new JobFigures(vertx, jobs, bodies);
    this.purge = new JobPurge(jobs.pool());
    this.crawls = new CrawlJobs(vertx, settings, jobs, frontier);
    this.webhooks = new WebhookTable(jobs.pool());
    this.limits = new UserLimits(settings.limits(), jobs);
  }

  void create(RoutingContext ctx) {
    String callback;
    try {
      callback = callback(ctx.queryParams().get("callback"));
    } catch (ApiError e) {
      ctx.fail(e);
      return;
    }
    String type = mediaType(ctx.request());
    Future<JsonObject> created = limits.admitJob(Auth.user(ctx)).compose(admitted -> switch (type) {
      case "text/plain" -> createFromText(ctx).map(ingest -> ingest.summary("queued"));
      case "application/json" -> createFromJson(ctx);
      default -> Future.failedFuture(ApiError.unsupportedMediaType(
          "Send application/json {\"urls\": [...]} or text/plain with one URL per line, not '" + type + "'"));
    });
    created.compose(summary -> callback == null ? Future.succeededFuture(summary)
            : webhooks.register(summary.getLong("id"), callback)
                .map(secret -> summary.put("callback", new JsonObject().put("url", callback).put("secret", secret))))
        .onSuccess(summary -> ctx.response().setStatusCode(201)
            .putHeader("Location", "/v1/jobs/" + summary.getLong("id"))
            .putHeader("Content-Type", "application/json")
            .end(summary.encode()))
        .onFailure(ctx::fail);
  }

  /**
   * {@code ?callback=URL}: where the job's summary is POSTed when it ends (webhook.WebhookVerticle).
   * Normalised like any URL here; the network guard judges its address at each delivery.
   */
  private static String callback(String raw) {
    if (raw == null) {
      return null;
    }
    if (UrlNormalizer.normalize(raw) instanceof UrlNormalizer.Accepted accepted) {
      return accepted.url();
    }
    throw ApiError.invalid("'callback' must be an http or https URL, got '" + raw + "'");
  }

  /** The job; its counts as {@link JobFigures} keeps them (a running job's may be a moment old). */
  Future<JsonObject> get(RoutingContext ctx) {
    return visibleJob(ctx).compose(figures::detail);
  }

  /**
   * {@code GET /v1/jobs}: the caller's jobs (an admin's: everyone's), newest first, with
   * {@code ?state=}, {@code ?limit=} (1 … 1000, default 100) and {@code ?before=} (the {@code next}
   * cursor of the previous page).
   */
  Future<JsonObject> list(RoutingContext ctx) {
    User user = Auth.user(ctx);
    String state = ctx.queryParams().get("state");
    if (state != null && !Set.of("queued", "running", "done", "cancelled").contains(state)) {
      return Future.failedFuture(ApiError.badRequest("state must be queued, running, done or cancelled"));
    }
    int limit = JobViews.parseBounded(ctx.queryParams().get("limit"), "limit", 100, 1, 1000);
    long before = JobViews.parseBounded(ctx.queryParams().get("before"), "before", Long.MAX_VALUE, 1, Long.MAX_VALUE);
    return jobs.list(user.isAdmin() ? null : user.id(), state, before, limit).map(page -> {
      JsonArray listed = new JsonArray();
      page.forEach(job -> listed.add(JobViews.summary(job)));
      Long next = page.size() < limit ? null : page.get(page.size() - 1).id();
      return new JsonObject().put("jobs", listed).put("next", next);
    });
  }

  /** {@code DELETE /v1/jobs/{id}}: cancels a job; with {@code ?purge=true}, deletes an ended one and its pages. */
  Future<JsonObject> delete(RoutingContext ctx) {
    if ("true".equals(ctx.queryParams().get("purge"))) {
      return visibleJob(ctx).compose(job -> purge.purge(job.id()).map(done -> done.orElseThrow(() ->
          ApiError.conflict("Job " + job.id() + " is " + job.state()
              + "; cancel it, or wait for it to end, then purge"))));
    }
    return cancel(ctx);
  }

  Future<JsonObject> cancel(RoutingContext ctx) {
    return visibleJob(ctx).compose(job -> jobs.cancel(job.id()).compose(cancelled -> {
      if (!cancelled) {
        return Future.failedFuture(ApiError.conflict("Job " + job.id() + " is already " + job.state()));
      }
      vertx.eventBus().publish(FrontierVerticle.JOB_CANCELLED, job.id());
      return jobs.find(job.id(), null).compose(found -> jobs.withUrlStates(found.orElseThrow())).map(JobViews::detail);
    }));
  }

  JobFigures figures() {
    return figures;
  }

  /** The job named in the path, if this user may see it (admins see all); 404 otherwise. */
  Future<JobRow> visibleJob(RoutingContext ctx) {
    long id = JobViews.parseId(ctx.pathParam("id"));
    User user = Auth.user(ctx);
    return jobs.find(id, user.isAdmin() ? null : user.id())
        .map(found -> found.orElseThrow(() -> ApiError.notFound("No job " + id)));
  }

  private Future<UrlIngest> createFromText(RoutingContext ctx) {
    JsonObject options = new JsonObject();
    ctx.queryParams().forEach(param -> {
      if (!param.getKey().equals("callback")) {
        options.put(param.getKey(), param.getValue());
      }
    });
    return newJob(ctx, "list", options).compose(ingest -> (settings.tuning().wholeBodyIngest()
            ? wholeLines(ctx.request(), ingest) : streamLines(ctx.request(), ingest))
        .recover(err -> abandon(ingest, err))
        .compose(v -> ingest.finish())
        .map(ingest));
  }

  private Future<JsonObject> createFromJson(RoutingContext ctx) {
    return CappedBody.read(ctx.request(), settings.http().maxJsonBytes()).compose(body -> {
      JsonObject json = JobViews.parseObject(body);
      Object kind = json.getValue("kind", "list");
      if ("crawl".equals(kind)) {
        User user = Auth.user(ctx);
        return crawls.create(user.id(), limits.activeJobs(user), json);
      }
      if (!"list".equals(kind)) {
        throw ApiError.invalid("Unknown job kind '" + kind + "'; use 'list' or 'crawl'");
      }
      if (!(json.getValue("urls") instanceof JsonArray urls)) {
        throw ApiError.invalid("'urls' must be an array of URL strings");
      }
      Object options = json.getValue("options", new JsonObject());
      if (!(options instanceof JsonObject opts)) {
        throw ApiError.invalid("'options' must be an object");
      }
      List<String> lines = new ArrayList<>(urls.size());
      urls.forEach(u -> lines.add(u instanceof String s ? s.replace('\n', ' ') : String.valueOf(u)));
      return newJob(ctx, "list", opts).compose(ingest -> addInBatches(ingest, lines, 0)
          .recover(err -> abandon(ingest, err))
          .compose(v -> ingest.finish())
          .map(v -> ingest.summary("queued")));
    });
  }

  private Future<UrlIngest> newJob(RoutingContext ctx, String kind, JsonObject rawOptions) {
    JobOptions options;
    try {
      options = JobOptions.parse(rawOptions, settings);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(ApiError.invalid(e.getMessage()));
    }
    User user = Auth.user(ctx);
    return jobs.create(user.id(), limits.activeJobs(user), kind, options.toJson())
        .map(id -> new UrlIngest(vertx, CpuPool.of(vertx, settings.cpuThreads(), settings.tuning().cpuOnEventLoop()),
            frontier, jobs, id, settings.frontier().partitions(), settings.job().rejectedSamples())
            .admittedBy(n -> limits.admitUrls(user, n)));
  }

  private Future<Void> addInBatches(UrlIngest ingest, List<String> lines, int from) {
    if (from >= lines.size()) {
      return Future.succeededFuture();
    }
    int to = Math.min(lines.size(), from + UrlIngest.batchSize(from == 0));
    return ingest.add(lines.subList(from, to)).compose(v -> addInBatches(ingest, lines, to));
  }

  /**
   * Reads the body line by line; the parser stays paused while a batch is being stored. Blank and
   * comment lines are skipped here, before any batch or worker hop, and the upload is capped in
   * lines and in (decompressed) bytes: a small gzip of a million blank lines costs no more than
   * reading it, and one past the caps is refused with 413.
   */
  private Future<Void> streamLines(HttpServerRequest request, UrlIngest ingest) {
    Promise<Void> done = Promise.promise();
    UploadBatch batch = new UploadBatch(settings.http().maxUploadLines(), settings.http().maxUploadBytes());
    RecordParser parser = RecordParser.newDelimited("\n", request).maxRecordSize(MAX_LINE_BYTES);
    parser.exceptionHandler(err -> done.tryFail(err instanceof IllegalStateException
        ? ApiError.tooLarge("A line is longer than " + MAX_LINE_BYTES + " bytes") : err));
    parser.handler(line -> {
      if (done.future().isComplete()) {
        return; // the upload was refused: nothing read after that becomes work
      }
      try {
        batch.offer(line);
      } catch (ApiError tooLarge) {
        done.tryFail(tooLarge);
        return;
      }
      if (batch.full()) {
        parser.pause();
        batch.drainInto(ingest).onSuccess(v -> parser.resume()).onFailure(done::tryFail);
      }
    });
    parser.endHandler(end -> batch.drainInto(ingest).onSuccess(v -> done.tryComplete()).onFailure(done::tryFail));
    parser.resume();
    return done.future();
  }

  /**
   * {@code tuning.ingest=whole}: the experiments' baseline. The whole upload is read into memory,
   * decoded and split, and only then queued: memory grows with the upload instead of one batch.
   */
  private Future<Void> wholeLines(HttpServerRequest request, UrlIngest ingest) {
    UploadBatch batch = new UploadBatch(settings.http().maxUploadLines(), settings.http().maxUploadBytes());
    Future<Buffer> body = request.body();
    request.resume(); // paused while the job was created
    return body.compose(bytes -> offerLines(batch, bytes.toString(StandardCharsets.UTF_8).split("\n"), 0, ingest));
  }

  private Future<Void> offerLines(UploadBatch batch, String[] lines, int from, UrlIngest ingest) {
    int next = from;
    while (next < lines.length && !batch.full()) {
      batch.offer(Buffer.buffer(lines[next++]));
    }
    int rest = next;
    return batch.drainInto(ingest).compose(v -> rest < lines.length ? offerLines(batch, lines, rest, ingest)
        : Future.succeededFuture());
  }

  /** An upload that broke part way must not leave a half job running: cancel it, then report. */
  private Future<Void> abandon(UrlIngest ingest, Throwable cause) {
    return jobs.cancel(ingest.jobId())
        .onSuccess(cancelled -> vertx.eventBus().publish(FrontierVerticle.JOB_CANCELLED, ingest.jobId()))
        .transform(ignored -> Future.failedFuture(cause));
  }

  private static String mediaType(HttpServerRequest request) {
    String header = request.getHeader("Content-Type");
    if (header == null) {
      return "";
    }
    int semicolon = header.indexOf(';');
    return (semicolon < 0 ? header : header.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
  }
}
