package dev.fetchbus;

import dev.fetchbus.api.ApiVerticle;
import dev.fetchbus.bridge.BridgeVerticle;
import dev.fetchbus.cluster.ClusterSetup;
import dev.fetchbus.config.DeployedConfig;
import dev.fetchbus.config.MemoryFit;
import dev.fetchbus.config.Secrets;
import dev.fetchbus.config.Settings;
import dev.fetchbus.fetch.FetcherVerticle;
import dev.fetchbus.frontier.FrontierVerticle;
import dev.fetchbus.metrics.LoopProbeVerticle;
import dev.fetchbus.metrics.MetricsVerticle;
import dev.fetchbus.node.NodeStatus;
import dev.fetchbus.store.Database;
import dev.fetchbus.store.EmbeddedSupervisor;
import dev.fetchbus.store.StoreVerticle;
import dev.fetchbus.webhook.WebhookVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole node: the database (embedded when none is configured) and migrations, then the verticles
 * of its roles ({@code node.roles}) in dependency order: store, frontier and fetchers for
 * {@code fetch}, the API for {@code api}.
 */
public final class NodeVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(NodeVerticle.class);
  private EmbeddedSupervisor embedded;

  @Override
  public Future<?> start() {
    NodeStatus.markStarting(vertx);
    Settings configured = Settings.load(config());
    // before anything starts, so that a refusal leaves nothing running behind it
    MemoryFit.check(configured, Runtime.getRuntime().maxMemory());
    return database(configured)
        .map(url -> configured.json().copy().put("pg", configured.json().getJsonObject("pg").copy().put("url", url)))
        .compose(this::prepareAndDeploy)
        // a verticle whose start failed is never stopped: its embedded database would outlive the node
        .recover(failed -> stop().transform(stopped -> Future.failedFuture(failed)));
  }

  @Override
  public Future<?> stop() {
    return embedded == null ? Future.succeededFuture() : embedded.close();
  }

  private Future<String> database(Settings settings) {
    if (!settings.pg().url().isBlank()) {
      return Future.succeededFuture(settings.pg().url());
    }
    // a database that cannot be brought back leaves the node useless: exit for the service manager
    embedded = new EmbeddedSupervisor(vertx, Path.of(settings.dataDir(), "pg"), settings.pg().embeddedRestarts(),
        status -> new Thread(() -> System.exit(status), "fetchbus-exit").start());
    return embedded.start(settings.pg().embeddedPort());
  }

  private Future<?> prepareAndDeploy(JsonObject effective) {
    Settings settings = Settings.from(effective);
    log.info("Effective settings: {}", Secrets.masked(effective).encode());
    // Probes first, while nothing else deploys, so they land on every event loop. NodeCommand and
    // the tests build Vert.x from ClusterSetup's options; the launcher deploys them itself, earlier.
    Future<?> chain = LoopProbeVerticle.deploy(vertx, ClusterSetup.vertxOptions(settings), settings)
        .compose(v -> Database.prepare(vertx, settings));
    if (settings.hasRole("fetch")) {
      // fetchers before the frontier, so they stop after it: a stopping frontier stops claiming and
      // waits for the fetches in flight, which need live fetchers and a live store to finish
      chain = chain.compose(v -> deploy(StoreVerticle.class.getName(), 1, effective))
          .compose(v -> deploy(FetcherVerticle.class.getName(), settings.fetch().instances(), effective))
          .compose(v -> deploy(FrontierVerticle.class.getName(), 1, effective));
    }
    if (settings.hasRole("api")) {
      chain = chain.compose(v -> deploy(ApiVerticle.class.getName(), settings.http().instances(), effective))
          .compose(v -> deploy(WebhookVerticle.class.getName(), 1, effective));
      if (settings.bridge().port() > 0) {
        chain = chain.compose(v -> deploy(BridgeVerticle.class.getName(), 1, effective));
      }
    } else {
      chain = chain.compose(v -> deploy(MetricsVerticle.class.getName(), 1, effective));
    }
    if (settings.management().enabled()) {
      JsonObject management = effective.copy().put(MetricsVerticle.MANAGEMENT, true);
      chain = chain.compose(v -> deploy(MetricsVerticle.class.getName(), 1, management));
    }
    return chain.onSuccess(v -> {
      NodeStatus.markDeployed(vertx);
      log.info("fetchbus node is up{}: roles {}, HTTP on port {}, {} fetchers, {} API instances",
          vertx.isClustered() ? " and clustered" : "", settings.roles(), settings.http().port(),
          settings.hasRole("fetch") ? settings.fetch().instances() : 0,
          settings.hasRole("api") ? settings.http().instances() : 0);
    });
  }

  /** Deploys with the configuration by reference ({@link DeployedConfig}): Vert.x copies a deployment's config. */
  private Future<String> deploy(String verticle, int instances, JsonObject config) {
    JsonObject reference = DeployedConfig.reference(vertx, config);
    return vertx.deployVerticle(verticle, new DeploymentOptions().setInstances(instances).setConfig(reference))
        .onSuccess(id -> deployments(vertx).put(String.valueOf(deployments(vertx).size()), id));
  }

  /**
   * Undeploys this node's verticles in the reverse of their start order (API, frontier, fetchers,
   * store): the frontier stops claiming, gives back the leases it has not started and waits for the
   * fetches in flight, whose records the store still writes; the embedded database stops last,
   * with this verticle. Call it before
   * {@code vertx.close()}, which on its own undeploys them in no set order.
   */
  public static Future<Void> stopInOrder(Vertx vertx) {
    LocalMap<String, String> ids = deployments(vertx);
    Future<Void> chain = Future.succeededFuture();
    for (int i = ids.size() - 1; i >= 0; i--) {
      String id = ids.remove(String.valueOf(i));
      if (id != null) {
        // one verticle that fails to stop must not keep the others running: log it and go on
        chain = chain.compose(v -> vertx.undeploy(id).recover(err -> {
          log.warn("Undeploying {} failed; stopping the rest", id, err);
          return Future.succeededFuture();
        }));
      }
    }
    return chain;
  }

  private static LocalMap<String, String> deployments(Vertx vertx) {
    return vertx.sharedData().getLocalMap("fetchbus.deployments");
  }
}
