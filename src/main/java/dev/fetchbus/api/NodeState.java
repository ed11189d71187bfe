package dev.fetchbus.api;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/** Whether this node's entry point has deployed every verticle it meant to: part of readiness. */
public final class NodeState {
  private static final String MAP = "fetchbus.node";
  private static final String DEPLOYED = "deployed";

  private NodeState() {}

  public static void markDeployed(Vertx vertx) {
    map(vertx).put(DEPLOYED, Boolean.TRUE);
  }

  public static boolean deployed(Vertx vertx) {
    return Boolean.TRUE.equals(map(vertx).get(DEPLOYED));
  }

  private static LocalMap<String, Object> map(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP);
  }
}
