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

  public byte[] hashBytes() {
    return HexFormat.of().parseHex(hash);
  }
}
