package dev.fetchbus.fetch;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A body as it arrives: its chunks, kept apart and joined once into an array of exactly the body's
 * length. A buffer grown by appending copies itself at every step and ends up to twice the size
 * it holds; for bodies of megabytes on a small heap those copies are what runs it out. The chunks
 * are kept as the client delivered them (each its own heap copy of what the socket read), not
 * copied again into arrays of their own: the join is the one copy (that second copy was a tenth of
 * a crawl's allocation).
 */
final class BodyChunks {
  private final List<Buffer> chunks = new ArrayList<>();
  private int length;

  /** Keeps the first {@code keep} bytes of {@code chunk} (all of them, but for the chunk a body is cut in). */
  void add(Buffer chunk, int keep) {
    if (keep > 0) {
      chunks.add(keep < chunk.length() ? chunk.slice(0, keep) : chunk);
      length += keep;
    }
  }

  int length() {
    return length;
  }

  /** The body in one array; the chunks are let go. */
  byte[] join() {
    byte[] body = new byte[length];
    int at = 0;
    for (Buffer chunk : chunks) {
      chunk.getBytes(0, chunk.length(), body, at);
      at += chunk.length();
    }
    chunks.clear();
    return body;
  }
}
