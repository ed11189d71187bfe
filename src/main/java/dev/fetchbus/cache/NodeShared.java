package dev.fetchbus.cache;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.function.Supplier;

/**
 * One instance of a thread-safe object per node (per Vert.x instance), shared by all verticle
 * instances: the first to ask creates it. Vert.x's local maps take only {@link Shareable} values,
 * hence the holder.
 */
public final class NodeShared {
  private static final String MAP = "fetchbus.shared";

  private NodeShared() {}

  private record Holder(Object value) implements Shareable {}

  @SuppressWarnings("unchecked")
  public static <T> T get(Vertx vertx, String name, Supplier<T> create) {
    LocalMap<String, Holder> map = vertx.sharedData().getLocalMap(MAP);
    return (T) map.computeIfAbsent(name, k -> new Holder(create.get())).value();
  }

  /** The node's instance of {@code name}, or null when nobody created it. */
  @SuppressWarnings("unchecked")
  public static <T> T find(Vertx vertx, String name) {
    Holder holder = vertx.sharedData().<String, Holder>getLocalMap(MAP).get(name);
    return holder == null ? null : (T) holder.value();
  }
}
