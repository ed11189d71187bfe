package dev.fetchbus.fetch;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;

/**
 * Why a TLS handshake failed, in words a user can act on, chosen by the exception types the JDK's
 * trust manager throws (walking the cause chain), never by message text: an expired certificate,
 * one no trusted CA issued, or one for another host name.
 */
final class TlsReason {
  private TlsReason() {}

  static String of(Throwable error) {
    // an expired certificate is reported inside a path-validation failure: its cause is looked for first
    if (has(error, CertificateExpiredException.class)
        || reason(error) == CertPathValidatorException.BasicReason.EXPIRED) {
      return "certificate expired";
    }
    if (has(error, CertificateNotYetValidException.class)
        || reason(error) == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
      return "certificate not yet valid";
    }
    if (has(error, CertPathBuilderException.class) || has(error, CertPathValidatorException.class)) {
      return "certificate not issued by a trusted CA";
    }
    for (Throwable t = error; t != null && t != t.getCause(); t = t.getCause()) {
      // the host name check throws a bare CertificateException; its subclasses were matched above
      if (t.getClass() == CertificateException.class) {
        return "certificate does not match the host name";
      }
    }
    return "handshake failed";
  }

  private static boolean has(Throwable error, Class<? extends Throwable> type) {
    for (Throwable t = error; t != null && t != t.getCause(); t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static CertPathValidatorException.Reason reason(Throwable error) {
    for (Throwable t = error; t != null && t != t.getCause(); t = t.getCause()) {
      if (t instanceof CertPathValidatorException e) {
        return e.getReason();
      }
    }
    return null;
  }
}
