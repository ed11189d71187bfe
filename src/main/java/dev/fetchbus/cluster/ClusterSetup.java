package dev.fetchbus.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.XmlConfigBuilder;
import dev.fetchbus.config.Settings;
import dev.fetchbus.node.NodeIdentity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds a node's Vert.x: Prometheus metrics always, and for {@code -cluster} a Hazelcast cluster
 * manager from {@code conf/cluster.xml} (or {@code cluster.config}) with the bind address, member
 * list and ports taken from fetchbus's configuration, so one set of environment variables
 * ({@code FETCHBUS_CLUSTER_HOST}, {@code FETCHBUS_CLUSTER_MEMBERS}, {@code FETCHBUS_HAZELCAST_PORT},
 * {@code FETCHBUS_EVENTBUS_PORT}) places a node.
 */
public final class ClusterSetup {
  private static final String DEFAULT_CONFIG = "conf/cluster.xml";

  private ClusterSetup() {}

  /** Prometheus metrics for HTTP, pools, the event bus and the JVM. */
  public static VertxOptions vertxOptions() {
    return new VertxOptions().setMetricsOptions(metricsOptions());
  }

  /** Like {@link #vertxOptions()}, with {@code tuning.eventLoops} event loops when it is set. */
  public static VertxOptions vertxOptions(Settings settings) {
    VertxOptions options = vertxOptions();
    return settings.tuning().eventLoops() > 0 ? options.setEventLoopPoolSize(settings.tuning().eventLoops()) : options;
  }

  public static MicrometerMetricsOptions metricsOptions() {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true).setPublishQuantiles(false));
  }

  /** Starts this node's Vert.x, joining the cluster when asked to. */
  public static Future<Vertx> start(Settings settings, boolean clustered) {
    VertxOptions options = vertxOptions(settings);
    if (!clustered) {
      return Future.succeededFuture(Vertx.builder().with(options).build());
    }
    HazelcastClusterManager manager = clusterManager(settings);
    return builder(options, settings, manager).buildClustered()
        .onSuccess(vertx -> NodeIdentity.remember(vertx, manager));
  }

  public static HazelcastClusterManager clusterManager(Settings settings) {
    return new HazelcastClusterManager(hazelcast(settings.cluster()));
  }

  /** A clustered builder: the event bus binds where the settings say, unless the command line said otherwise. */
  public static VertxBuilder builder(VertxOptions options, Settings settings, HazelcastClusterManager manager) {
    EventBusOptions bus = options.getEventBusOptions();
    if (bus.getHost() == null || bus.getHost().equals(EventBusOptions.DEFAULT_CLUSTER_HOST)) {
      bus.setHost(settings.cluster().host());
    }
    if (bus.getPort() == 0) {
      bus.setPort(settings.cluster().eventbusPort());
    }
    return Vertx.builder().with(options).withClusterManager(manager);
  }

  static Config hazelcast(Settings.Cluster cluster) {
    Config config = load(cluster.configFile());
    config.getNetworkConfig().setPort(cluster.hazelcastPort()).setPortAutoIncrement(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).clear().addInterface(cluster.host());
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    return config;
  }

  private static Config load(String file) {
    try (InputStream in = file == null || file.isBlank()
        ? ClusterSetup.class.getClassLoader().getResourceAsStream(DEFAULT_CONFIG)
        : Files.newInputStream(Path.of(file))) {
      if (in == null) {
        throw new IllegalStateException(DEFAULT_CONFIG + " is missing from the classpath");
      }
      return new XmlConfigBuilder(in).build();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the Hazelcast configuration " + file, e);
    }
  }
}
