package dev.fetchbus.metrics;

import dev.fetchbus.config.Settings;
import dev.fetchbus.store.Database;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /health}, {@code /ready} and {@code /metrics} on {@code http.port} for a node without
 * the API role (a fetch-only node), so every node can be scraped and probed. A node with the API
 * role serves the same routes from its API instead.
 */
public final class MetricsVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(MetricsVerticle.class);
  private HttpServer server;

  @Override
  public Future<?> start() {
    Settings settings = Settings.load(config());
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, vertx, Database.sharedPool(vertx, settings));
    server = vertx.createHttpServer().requestHandler(router);
    return server.listen(settings.http().port(), settings.http().host())
        .onSuccess(s -> log.info("Health, readiness and metrics on port {}", s.actualPort()));
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
