package dev.fetchbus.metrics;

import dev.fetchbus.cluster.Members;
import dev.fetchbus.node.NodeStatus;
import dev.fetchbus.store.PageTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.sqlclient.Pool;
import java.util.LinkedHashMap;

/**
 * The operator's routes, served by every node whatever its roles: {@code /health} (liveness) and
 * {@code /ready} (database, deployment, host partitions) for anyone; {@code /metrics} (Prometheus)
 * and {@code /ops/stats} (this node's figures as JSON) behind {@link OpsAccess}, and so is the
 * event-bus bridge {@code /ops/eventbus} that feeds the live {@code /dashboard} every node's figures
 * ({@link StatsBus}). The dashboard page itself holds no figures, so it is served to anyone and
 * asks for a key when the bridge wants one.
 */
public final class OpsRoutes {
  private static final String DASHBOARD = "dashboard/index.html";
  private final Vertx vertx;
  private final Pool pool;
  private final PageTable pages;

  private OpsRoutes(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
    this.pages = new PageTable(pool);
  }

  public static void mount(Router router, Vertx vertx, Pool pool, OpsAccess access) {
    OpsRoutes ops = new OpsRoutes(vertx, pool);
    router.get("/health").respond(ctx -> Future.succeededFuture(new JsonObject().put("status", "up")));
    router.get("/ready").handler(ops::ready);
    router.get("/metrics").handler(access).handler(PrometheusScrapingHandler.create());
    NodeStats stats = StatsBus.stats(vertx, pool);
    router.get("/ops/stats").handler(access).respond(ctx -> stats.stats());
    router.get("/ops/jobs/:id").handler(access).respond(ops::job);
    router.get("/dashboard").handler(OpsRoutes::dashboard);
    StatsBus.publish(vertx, pool);
    router.route("/ops/eventbus/*").subRouter(StatsBus.bridge(vertx, access));
    // the dashboard's one library, from its webjar on the classpath (no CDN, no npm at run time)
    router.route("/ops/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
  }

  /**
   * One page from the classpath: its own inline script and style, SockJS's client from this node's
   * webjar route, and its feed from this node's bridge; nothing from elsewhere.
   */
  private static void dashboard(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Content-Security-Policy",
            "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'")
        .putHeader("Cache-Control", "no-cache")
        .sendFile(DASHBOARD)
        .onFailure(ctx::fail);
  }

  /**
   * {@code GET /ops/jobs/{id}}: the dashboard's view of one job, its records by outcome and its 5
   * slowest hosts among its latest 20,000 records. Counts and host names only; no URLs.
   */
  private Future<JsonObject> job(RoutingContext ctx) {
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      return Future.failedFuture(new HttpException(404, "No job " + ctx.pathParam("id")));
    }
    return pages.breakdown(id, 5, 20_000).map(breakdown -> {
      JsonArray hosts = new JsonArray();
      breakdown.slowestHosts().forEach(h -> hosts.add(new JsonObject().put("host", h.host()).put("pages", h.pages())
          .put("meanMs", Math.round(h.meanMs() * 10) / 10.0)));
      return new JsonObject().put("job", id).put("outcomes", new JsonObject(new LinkedHashMap<>(breakdown.outcomes())))
          .put("slowestHosts", hosts);
    });
  }

  /** Ready: the database answers, every verticle is deployed, and a fetch node knows its partitions. */
  private void ready(RoutingContext ctx) {
    boolean deployed = NodeStatus.deployed(vertx);
    Integer owned = NodeStatus.ownedPartitions(vertx);
    boolean partitions = owned == null || owned >= 0;
    pool.query("select 1").execute()
        .map(ok -> true)
        .otherwise(false)
        .onSuccess(database -> {
          boolean ready = database && deployed && partitions;
          ctx.response()
              .setStatusCode(ready ? 200 : 503)
              .putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("status", ready ? "ready" : "not_ready").put("database", database)
                  .put("deployed", deployed).put("clustered", vertx.isClustered())
                  .put("clusterNodes", Members.clusterSize(vertx)).put("ownedPartitions", owned)
                  // informational: a node that cannot render still fetches, so it stays ready
                  .put("rendering", NodeStatus.rendering(vertx)).encode());
        });
  }
}
