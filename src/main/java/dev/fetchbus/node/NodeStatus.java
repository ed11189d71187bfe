package dev.fetchbus.node;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/**
 * What readiness needs to know about this node, kept in its local map: whether the entry point has
 * deployed every verticle it meant to, and whether its frontier (if it runs one) has worked out its
 * host partitions. A verticle deployed alone ({@code vertx run} style) has no entry point, so
 * nothing is pending for it.
 */
public final class NodeStatus {
  private static final String MAP = "fetchbus.node.status";
  private static final String STARTING = "starting";
  private static final String DEPLOYED = "deployed";
  private static final String FRONTIER = "frontier";
  private static final String OWNED = "owned";
  private static final String API_PORT = "apiPort";
  private static final String RENDERING = "rendering";

  private NodeStatus() {}

  public static void markStarting(Vertx vertx) {
    map(vertx).put(STARTING, 1);
  }

  public static void markDeployed(Vertx vertx) {
    map(vertx).put(DEPLOYED, 1);
  }

  public static boolean deployed(Vertx vertx) {
    return !map(vertx).containsKey(STARTING) || map(vertx).containsKey(DEPLOYED);
  }

  public static void frontierStarting(Vertx vertx) {
    map(vertx).put(FRONTIER, 1);
  }

  public static void ownedPartitions(Vertx vertx, int owned) {
    map(vertx).put(OWNED, owned);
  }

  /** Null when this node runs no frontier; -1 until its frontier knows its partitions; else how many it owns. */
  public static Integer ownedPartitions(Vertx vertx) {
    LocalMap<String, Integer> map = map(vertx);
    return !map.containsKey(FRONTIER) ? null : map.getOrDefault(OWNED, -1);
  }

  /** The port this node's API really listens on (http.port, or the one chosen for port 0). */
  public static void apiPort(Vertx vertx, int port) {
    map(vertx).put(API_PORT, port);
  }

  /** Null until this node's API listens. */
  public static Integer apiPort(Vertx vertx) {
    return map(vertx).get(API_PORT);
  }

  /** Whether this node's fetchers can render pages in Chromium ({@code render.chromium} exists). */
  public static void rendering(Vertx vertx, boolean available) {
    map(vertx).put(RENDERING, available ? 1 : 0);
  }

  /** Null when this node runs no fetcher; else whether it can render {@code render: chromium} jobs. */
  public static Boolean rendering(Vertx vertx) {
    Integer value = map(vertx).get(RENDERING);
    return value == null ? null : value == 1;
  }

  private static LocalMap<String, Integer> map(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP);
  }
}
