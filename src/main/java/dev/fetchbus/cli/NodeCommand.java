package dev.fetchbus.cli;

import dev.fetchbus.NodeVerticle;
import dev.fetchbus.cluster.ClusterSetup;
import dev.fetchbus.config.Settings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Starts one fetchbus node with every verticle, and keeps it running until the JVM is stopped. It
 * is the command with no subcommand, so a bare {@code java -jar fetchbus.jar} runs a node; the
 * subcommands are the end user's command line (fetch, crawl, jobs, results, users) and {@code db}.
 */
@Command(name = "fetchbus", mixinStandardHelpOptions = true, version = "fetchbus 0.1",
    subcommands = {FetchCommand.class, CrawlCommand.class, JobsCommand.class, ResultsCommand.class,
        UsersCommand.class, DatabaseCommand.class},
    description = "Runs a fetchbus node: HTTP API, frontier, fetchers and store writer.%n"
        + "Every configuration key can be overridden by a FETCHBUS_* environment variable.%n"
        + "With a command, fetches a URL list or crawls a site from the command line instead "
        + "(an embedded node for the run, or a service with --server): fetchbus COMMAND --help.")
public final class NodeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(NodeCommand.class);

  @Option(names = {"-conf", "--conf"}, paramLabel = "FILE", description = "JSON file overlaid on conf/fetchbus.json")
  Path confFile;

  @Option(names = {"-cluster", "--cluster"}, description = "Join the cluster (Hazelcast; see conf/cluster.xml)")
  boolean cluster;

  @Override
  public Integer call() throws Exception {
    JsonObject overlay = confFile == null ? new JsonObject() : new JsonObject(Files.readString(confFile));
    Settings settings = Settings.load(overlay);
    Vertx vertx;
    try {
      vertx = await(ClusterSetup.start(settings, cluster));
    } catch (Exception e) {
      log.error("Vert.x failed to start{}", cluster ? " or to join the cluster" : "", rootCause(e));
      return 11;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(vertx), "fetchbus-shutdown"));
    try {
      await(vertx.deployVerticle(new NodeVerticle(), new DeploymentOptions().setConfig(settings.json())));
    } catch (Exception e) {
      log.error("The node failed to start", rootCause(e));
      closeQuietly(vertx);
      return 15;
    }
    Thread.currentThread().join();
    return 0;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
  }

  private static Throwable rootCause(Exception e) {
    return e.getCause() != null ? e.getCause() : e;
  }

  private static void closeQuietly(Vertx vertx) {
    try {
      NodeVerticle.stopInOrder(vertx).compose(v -> vertx.close())
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("Vert.x did not close cleanly", e);
    }
  }
}
