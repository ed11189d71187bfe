package dev.fetchbus.node;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes an immutable object between verticles of one node by reference: no copy, no encoding.
 * Messages of these types never leave the node, so encoding them is a programming error.
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {
  private final Class<T> type;

  private LocalCodec(Class<T> type) {
    this.type = type;
  }

  /** Registers the codec as the default for each of {@code types}, once per Vert.x instance. */
  public static void register(Vertx vertx, Class<?>... types) {
    for (Class<?> type : types) {
      register(vertx, type);
    }
  }

  /** Registers the codec as the default for {@code type}, once per Vert.x instance. */
  public static synchronized <T> void register(Vertx vertx, Class<T> type) {
    try {
      vertx.eventBus().registerDefaultCodec(type, new LocalCodec<>(type));
    } catch (IllegalStateException alreadyRegistered) {
      // another verticle instance of this node got there first
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    throw new IllegalStateException(type.getSimpleName() + " is node-local and cannot cross the cluster");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new IllegalStateException(type.getSimpleName() + " is node-local and cannot cross the cluster");
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return "local-" + type.getName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
