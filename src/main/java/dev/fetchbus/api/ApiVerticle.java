package dev.fetchbus.api;

import dev.fetchbus.config.DeployedConfig;
import dev.fetchbus.config.Settings;
import dev.fetchbus.cpu.CpuPool;
import dev.fetchbus.metrics.OpsAccess;
import dev.fetchbus.metrics.OpsRoutes;
import dev.fetchbus.metrics.UserUsageMetrics;
import dev.fetchbus.node.NodeStatus;
import dev.fetchbus.store.BodyTable;
import dev.fetchbus.store.Database;
import dev.fetchbus.store.FrontierTable;
import dev.fetchbus.store.JobTable;
import dev.fetchbus.store.PageTable;
import dev.fetchbus.store.ScreenshotTable;
import dev.fetchbus.store.UsageReport;
import dev.fetchbus.store.UserTable;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API. One instance per event loop; Vert.x spreads connections over the instances,
 * which all listen on the same port. The route table is {@link #router}.
 */
public final class ApiVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ApiVerticle.class);
  private HttpServer server;
  private Pool pool;

  @Override
  public Future<?> start() {
    Settings settings = Settings.load(DeployedConfig.resolve(vertx, config()));
    pool = Database.sharedPool(vertx, settings);
    HttpServerOptions options = new HttpServerOptions()
        .setHost(settings.http().host())
        .setPort(settings.http().port())
        .setDecompressionSupported(true)
        // no cleartext HTTP/2 upgrade: an upgraded request's gzip body skipped decompression and was
        // read as lines of binary; clients (and nginx in front) speak HTTP/1.1 to the API
        .setHttp2ClearTextEnabled(false)
        .setCompressionSupported(false)
        // a connection silent this long is closed: a stalled export does not hold its connection
        .setIdleTimeout(settings.http().idleTimeoutSeconds())
        .setMaxHeaderSize(settings.http().maxHeaderBytes());
    Router router = router(settings);
    ConnectionGuard guard = new ConnectionGuard(vertx, settings.http().headerTimeoutMs(),
        settings.http().maxConnectionsPerIp());
    server = vertx.createHttpServer(options).connectionHandler(guard::connected).requestHandler(request -> {
      guard.requested(request);
      router.handle(request);
    });
    return Database.prepare(vertx, settings)
        .compose(version -> AdminBootstrap.ensure(new UserTable(pool), settings.adminKey()))
        .compose(v -> server.listen())
        .onSuccess(s -> {
          UserUsageMetrics.start(vertx, new UsageReport(pool), settings.limits());
          NodeStatus.apiPort(vertx, s.actualPort());
          log.debug("API instance listening on port {}", s.actualPort());
        });
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  Router router(Settings settings) {
    UserTable userTable = new UserTable(pool);
    JobTable jobTable = new JobTable(pool);
    UserLimits limits = new UserLimits(settings.limits(), jobTable);
    Auth auth = new Auth(userTable, limits);
    BodyTable bodies = new BodyTable(pool);
    JobRoutes jobs = new JobRoutes(vertx, settings, jobTable, new FrontierTable(pool), bodies);
    PageTable exportPages = new PageTable(Database.exportPool(vertx, settings));
    CpuPool cpu = CpuPool.of(vertx, settings.cpuThreads(), settings.tuning().cpuOnEventLoop());
    ExportSlots slots =
        new ExportSlots(vertx, settings.http().maxExportsPerUser(), settings.http().exportStallSeconds());
    ResultExport results = new ResultExport(cpu, exportPages, jobs, slots);
    PageRoutes pages = new PageRoutes(cpu, exportPages, bodies, new ScreenshotTable(pool), jobs);
    UserRoutes users = new UserRoutes(vertx.eventBus(), userTable, jobTable, limits);

    Router router = Router.router(vertx);
    OpsRoutes.mount(router, vertx, pool, OpsAccess.keyed(userTable));
    ApiDocs.mount(router);

    router.route("/v1/*").handler(auth::authenticate);
    router.post("/v1/jobs").handler(jobs::create);
    router.get("/v1/jobs/:id").respond(jobs::get);
    router.get("/v1/jobs").respond(jobs::list);
    router.delete("/v1/jobs/:id").respond(jobs::delete);
    router.get("/v1/jobs/:id/results").handler(results::export);
    router.get("/v1/jobs/:id/pages/:cursor").respond(pages::record);
    router.get("/v1/jobs/:id/pages/:cursor/body").handler(pages::body);
    router.get("/v1/jobs/:id/pages/:cursor/screenshot").handler(pages::screenshot);
    WarcExport warc = new WarcExport(cpu, exportPages, jobs, slots);
    router.get("/v1/jobs/:id/warc").handler(warc::warc);
    router.get("/v1/jobs/:id/cdx").handler(warc::cdx);
    router.get("/v1/jobs/:id/events").handler(new JobEvents(vertx, jobTable, jobs)::stream);
    router.get("/v1/fetch").handler(new FetchRoute(vertx, settings)::fetch);
    router.route("/v1/users").handler(Auth::requireAdmin);
    router.post("/v1/users").handler(users::create);
    router.get("/v1/users").respond(users::list);
    router.get("/v1/me").respond(users::me);
    router.get("/v1/users/:id").respond(users::get);
    router.patch("/v1/users/:id").handler(Auth.adminOnly("change users")).handler(users::patch);
    router.delete("/v1/users/:id").handler(Auth.adminOnly("delete users")).respond(users::delete);
    router.post("/v1/users/:id/keys").handler(users::addKey);
    router.delete("/v1/users/:id/keys/:keyId").respond(users::revokeKey);
    router.route("/v1/admin/*").handler(Auth.adminOnly("use the /v1/admin routes"));
    router.post("/v1/admin/profile").handler(new ProfileRoute(vertx, settings.metrics().profileMaxSeconds())::profile);

    router.route().failureHandler(ErrorResponses::handle);
    router.errorHandler(404, ErrorResponses::handle);
    router.errorHandler(405, ErrorResponses::handle);
    return router;
  }
}
