package dev.fetchbus.extract;

/** A 64-bit hash of a normalised URL: FNV-1a, then a finaliser so that near-identical URLs spread. */
public final class UrlHash {
  private UrlHash() {}

  public static long of(String url) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < url.length(); i++) {
      h ^= url.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb93fe1a85ec3L;
    h ^= h >>> 33;
    return h;
  }
}
