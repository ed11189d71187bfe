package dev.fetchbus.cli;

import dev.fetchbus.cluster.ClusterSetup;
import dev.fetchbus.config.Settings;
import dev.fetchbus.metrics.LoopProbeVerticle;
import dev.fetchbus.node.NodeIdentity;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.TimeUnit;

/**
 * {@code vertx run}-style deployment of any verticle by class name, on the Vert.x 5 application
 * launcher: {@code Launcher dev.fetchbus.api.ApiVerticle -cluster -instances 4 -conf conf/x.json}.
 * It adds what a fetchbus node needs to the launcher's Vert.x: Prometheus metrics, and for
 * {@code -cluster} the Hazelcast setup of {@code conf/cluster.xml} with the {@code FETCHBUS_*}
 * overrides. {@code scripts/vertx run ...} calls it.
 */
public final class Launcher implements VertxApplicationHooks {
  private HazelcastClusterManager manager;

  public static void main(String[] args) {
    int exit = new VertxApplication(args, new Launcher()).launch();
    if (exit != 0) {
      System.exit(exit);
    }
  }

  @Override
  public VertxBuilder createVertxBuilder(VertxOptions options) {
    Settings settings = Settings.load(new JsonObject());
    options.setMetricsOptions(ClusterSetup.metricsOptions());
    manager = ClusterSetup.clusterManager(settings);
    return ClusterSetup.builder(options, settings, manager);
  }

  @Override
  public void afterVertxStarted(HookContext context) {
    if (context.vertx().isClustered()) {
      NodeIdentity.remember(context.vertx(), manager);
    }
    // Before the main verticle, so the probes take every event loop; the launcher's options are
    // the real ones (-options may change the loop count). This is the launcher thread, so it may wait.
    try {
      LoopProbeVerticle.deploy(context.vertx(), context.vertxOptions(), Settings.load(new JsonObject()))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Could not deploy the event-loop probes", e);
    }
  }
}
