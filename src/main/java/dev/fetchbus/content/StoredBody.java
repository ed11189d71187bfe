package dev.fetchbus.content;

import java.util.HexFormat;

/**
 * A body ready for the content store: its SHA-256 (the key, so one copy serves every record with
 * the same bytes), the codec it was compressed with, its size before compression, and the
 * compressed bytes. A reference ({@code data} null) names a body already in the store: a 304
 * answer points at the version it revalidated.
 */
public record StoredBody(String hash, String codec, long size, byte[] data) {

  public static StoredBody reference(String hash, long size) {
    return new StoredBody(hash, null, size, null);
  }

  public boolean isReference() {
    return data == null;
  }

  /** The bytes a job's record holds against the node's {@link BodyBudget} until the store writes it. */
  public long heldBytes() {
    return data == null ? 0 : data.length;
  }

  /** What a batch of records holds against the budget. */
  public static long heldBytes(Iterable<StoredBody> bodies) {
    long held = 0;
    for (StoredBody body : bodies) {
      held += body == null ? 0 : body.heldBytes();
    }
    return held;
  }

  public byte[] hashBytes() {
    return HexFormat.of().parseHex(hash);
  }
}
