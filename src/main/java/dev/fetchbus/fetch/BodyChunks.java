package dev.fetchbus.fetch;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A body as it arrives: its chunks, kept apart and joined once into an array of exactly the body's
 * length. A buffer grown by appending copies itself at every step and ends up to twice the size
 * it holds; for bodies of megabytes on a small heap those copies are what runs it out.
 */
final class BodyChunks {
  private final List<byte[]> chunks = new ArrayList<>();
  private int length;

  void add(Buffer chunk, int keep) {
    if (keep > 0) {
      chunks.add(chunk.getBytes(0, keep));
      length += keep;
    }
  }

  int length() {
    return length;
  }

  /** The body in one array; the chunks are let go. */
  byte[] join() {
    if (chunks.size() == 1 && chunks.get(0).length == length) {
      return chunks.remove(0);
    }
    byte[] body = new byte[length];
    int at = 0;
    for (byte[] chunk : chunks) {
      System.arraycopy(chunk, 0, body, at, chunk.length);
      at += chunk.length;
    }
    chunks.clear();
    return body;
  }
}
