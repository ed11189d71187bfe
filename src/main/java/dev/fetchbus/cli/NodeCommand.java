package dev.fetchbus.cli;

import dev.fetchbus.NodeVerticle;
import dev.fetchbus.config.ConfigLoader;
import dev.fetchbus.config.Settings;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts one fetchbus node with every verticle, and keeps it running until the JVM is stopped. */
@Command(name = "fetchbus", mixinStandardHelpOptions = true, version = "fetchbus 0.1",
    description = "Runs a fetchbus node: HTTP API, frontier, fetchers and store writer.%n"
        + "Every configuration key can be overridden by a FETCHBUS_* environment variable.")
public final class NodeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(NodeCommand.class);

  @Option(names = {"-conf", "--conf"}, paramLabel = "FILE", description = "JSON file overlaid on conf/fetchbus.json")
  Path confFile;

  @Override
  public Integer call() throws Exception {
    JsonObject overlay = confFile == null ? new JsonObject() : new JsonObject(Files.readString(confFile));
    Settings settings = Settings.load(overlay);
    Vertx vertx = Vertx.builder().with(vertxOptions()).build();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(vertx), "fetchbus-shutdown"));
    try {
      vertx.deployVerticle(new NodeVerticle(), new DeploymentOptions().setConfig(settings.json()))
          .toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      log.error("The node failed to start", e.getCause() != null ? e.getCause() : e);
      closeQuietly(vertx);
      return 1;
    }
    Thread.currentThread().join();
    return 0;
  }

  /** Prometheus metrics for HTTP, pools, the event bus and the JVM, with label sets kept small. */
  public static VertxOptions vertxOptions() {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true).setPublishQuantiles(false));
    return new VertxOptions().setMetricsOptions(metrics);
  }

  private static void closeQuietly(Vertx vertx) {
    try {
      NodeVerticle.stopInOrder(vertx).compose(v -> vertx.close()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("Vert.x did not close cleanly", e);
    }
  }
}
