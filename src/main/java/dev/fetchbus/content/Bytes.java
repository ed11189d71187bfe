package dev.fetchbus.content;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/** Byte arrays as Vert.x buffers without a copy. */
public final class Bytes {
  private Bytes() {}

  /**
   * A buffer over {@code bytes} itself. {@code Buffer.buffer(byte[])} copies, and a body of
   * megabytes copied once more on its way to the database or to a client is a heap's worth on a
   * small node. The caller must not change the array afterwards.
   */
  public static Buffer wrap(byte[] bytes) {
    return BufferInternal.buffer(Unpooled.wrappedBuffer(bytes));
  }
}
