package dev.fetchbus.api;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/**
 * Whether this node's entry point has deployed every verticle it meant to: part of readiness. A
 * verticle deployed alone ({@code vertx run} style) has no entry point, so nothing is pending.
 */
public final class NodeState {
  private static final String MAP = "fetchbus.node.state";
  private static final String STARTING = "starting";
  private static final String DEPLOYED = "deployed";

  private NodeState() {}

  public static void markStarting(Vertx vertx) {
    map(vertx).put(STARTING, Boolean.TRUE);
  }

  public static void markDeployed(Vertx vertx) {
    map(vertx).put(DEPLOYED, Boolean.TRUE);
  }

  public static boolean deployed(Vertx vertx) {
    return !Boolean.TRUE.equals(map(vertx).get(STARTING)) || Boolean.TRUE.equals(map(vertx).get(DEPLOYED));
  }

  private static LocalMap<String, Object> map(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP);
  }
}
