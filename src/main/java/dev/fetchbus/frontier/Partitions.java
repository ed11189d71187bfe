package dev.fetchbus.frontier;

import java.nio.charset.StandardCharsets;

/**
 * Hosts hash into a fixed number of partitions. The hash must be the same in every JVM and every
 * release, because it is stored with each URL: it is FNV-1a over the host's UTF-8 bytes.
 */
public final class Partitions {
  private Partitions() {}

  public static int of(String host, int partitions) {
    int hash = 0x811C9DC5;
    for (byte b : host.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xFF;
      hash *= 0x01000193;
    }
    return Math.floorMod(hash, partitions);
  }
}
