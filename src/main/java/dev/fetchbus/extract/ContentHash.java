package dev.fetchbus.extract;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.HexFormat;
import org.conscrypt.Conscrypt;

/**
 * SHA-256 of a body, in hex. CPU work: call it on a worker thread.
 *
 * <p>Every fetched body is hashed, so this is a large share of a page's CPU. The launchers run the
 * JVM with C1 only (docs/operations.md, "The JIT compilers"), and the JDK's SHA-NI intrinsic is
 * C2's: its SHA-256 then runs as compiled Java, about 120 µs for a 16 KiB page. Conscrypt's native
 * one (BoringSSL) takes about 35 µs. It is asked for this digest only and never installed as a
 * provider, so TLS and everything else stay the JDK's. Where its library does not load (it ships
 * none for linux-arm64), the JDK's digest is used: the same bytes, only slower.
 */
public final class ContentHash {
  private static final Provider NATIVE = nativeProvider();
  /** One digest per thread: a digest resets itself after {@code digest()}. */
  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(ContentHash::newDigest);

  private ContentHash() {}

  public static String sha256(byte[] body) {
    return HexFormat.of().formatHex(DIGEST.get().digest(body));
  }

  /** The provider whose SHA-256 this node uses ("Conscrypt" or the JDK's "SUN"). */
  public static String provider() {
    return DIGEST.get().getProvider().getName();
  }

  private static MessageDigest newDigest() {
    try {
      return NATIVE != null ? MessageDigest.getInstance("SHA-256", NATIVE) : MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static Provider nativeProvider() {
    try {
      return Conscrypt.isAvailable() ? Conscrypt.newProvider() : null;
    } catch (LinkageError | RuntimeException e) {
      // a native library that cannot load where Conscrypt thought it could: the JDK's digest will do
      return null;
    }
  }
}
