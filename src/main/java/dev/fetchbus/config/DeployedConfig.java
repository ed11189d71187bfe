package dev.fetchbus.config;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How a node hands its configuration to the verticles it deploys: by a reference into the node's
 * local map, not as the deployment's config. Vert.x 5's HTTP client builds a context for every
 * connection request, and every new context deep-copies its deployment's options, config included:
 * with the node's whole configuration there, that copy was a tenth of a crawl's allocation and
 * 6-11 us of an event loop a request (under C1). A verticle deployed on its own ({@code vertx run}
 * with {@code -conf}) gets its configuration as usual; {@link #resolve} returns it as it is.
 */
public final class DeployedConfig {
  /** The key of a deployment config that names a configuration kept in the node's local map. */
  public static final String REF = "fetchbus.configRef";
  private static final String MAP = "fetchbus.configs";
  private static final AtomicLong NEXT = new AtomicLong();

  private DeployedConfig() {}

  /** A deployment config naming {@code full}, which this node keeps for the verticles deployed with it. */
  public static JsonObject reference(Vertx vertx, JsonObject full) {
    String key = "config-" + NEXT.incrementAndGet();
    configs(vertx).put(key, full);
    return new JsonObject().put(REF, key);
  }

  /** The configuration a verticle was deployed with: the one its reference names, or {@code config} itself. */
  public static JsonObject resolve(Vertx vertx, JsonObject config) {
    String key = config.getString(REF);
    if (key == null) {
      return config;
    }
    JsonObject full = configs(vertx).get(key);
    if (full == null) {
      throw new IllegalStateException("Configuration " + key + " is not kept on this node: deploy the verticle "
          + "with its configuration, or through dev.fetchbus.NodeVerticle");
    }
    return full;
  }

  private static LocalMap<String, JsonObject> configs(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP);
  }
}
