package dev.fetchbus.extract;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.HexFormat;

/**
 * SHA-256 of a body, in hex. CPU work: call it on a worker thread.
 *
 * <p>Every fetched body is hashed, so this is a large share of a page's CPU. The launchers run the
 * JVM with C1 only (docs/operations.md, "The JIT compilers"), and the JDK's SHA-NI intrinsic is
 * C2's: its SHA-256 then runs as compiled Java, about 150 MB/s. The Amazon Corretto Crypto
 * Provider's native one (AWS-LC) uses the CPU's SHA extensions where it has them: about 19 µs for a
 * 32 KiB page, against 74 µs with Conscrypt's BoringSSL, which did not. It is asked for this digest
 * only and never installed as a provider, so TLS and everything else stay the JDK's. Where its
 * library does not load (the jar carries the Linux x64 one only), the JDK's digest is used: the same
 * bytes, only slower.
 */
public final class ContentHash {
  private static final Provider NATIVE = nativeProvider();
  /** One digest per thread: a digest resets itself after {@code digest()}. */
  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(ContentHash::newDigest);

  private ContentHash() {}

  public static String sha256(byte[] body) {
    return HexFormat.of().formatHex(DIGEST.get().digest(body));
  }

  /** The provider whose SHA-256 this node uses ("AmazonCorrettoCryptoProvider" or the JDK's "SUN"). */
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
      AmazonCorrettoCryptoProvider provider = AmazonCorrettoCryptoProvider.INSTANCE;
      return provider.getLoadingError() == null ? provider : null;
    } catch (LinkageError | RuntimeException e) {
      // no native library for this platform, or one that cannot load: the JDK's digest will do
      return null;
    }
  }
}
