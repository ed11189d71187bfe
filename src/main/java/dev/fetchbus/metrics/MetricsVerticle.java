package dev.fetchbus.metrics;

import dev.fetchbus.config.DeployedConfig;
import dev.fetchbus.config.Settings;
import dev.fetchbus.store.Database;
import dev.fetchbus.store.UserTable;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the operator's routes ({@link OpsRoutes}) where the API does not: on {@code http.port} of a
 * node without the API role (a fetch-only node), with the same key checks as the API, so every node
 * can be probed and scraped; and, deployed with {@link #MANAGEMENT} true in its config, on the
 * management server ({@code management.host}, {@code management.port}) without a key.
 */
public final class MetricsVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(MetricsVerticle.class);
  /** The config key that makes this instance the management server. */
  public static final String MANAGEMENT = "fetchbus.managementServer";
  private HttpServer server;

  @Override
  public Future<?> start() {
    JsonObject config = DeployedConfig.resolve(vertx, config());
    Settings settings = Settings.load(config);
    boolean management = config.getBoolean(MANAGEMENT, false);
    Pool pool = Database.sharedPool(vertx, settings);
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, vertx, pool, management ? OpsAccess.open() : OpsAccess.keyed(new UserTable(pool)));
    server = vertx.createHttpServer().requestHandler(router);
    String host = management ? settings.management().host() : settings.http().host();
    int port = management ? settings.management().port() : settings.http().port();
    return server.listen(port, host)
        .onSuccess(s -> log.info("{} on {}:{}", management ? "Management server (metrics without a key)"
            : "Health, readiness and keyed metrics", host, s.actualPort()));
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
