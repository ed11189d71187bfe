package dev.fetchbus.fetch;

import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * What the fetcher trusts: the JDK's CAs, plus (with {@code fetch.trustStore}) the CA certificates
 * of a PEM file, for an intranet's own CA. The file adds to the JDK's CAs and never replaces them,
 * so naming it cannot make public sites fail. Certificates are still verified, host names included.
 * Blocking (reads files): call it on a worker thread.
 */
final class TrustStore {
  private TrustStore() {}

  /** Null (the client's default: the JDK's CAs) without a file; else the JDK's CAs and the file's. */
  static TrustOptions load(String pemPath) throws IOException, GeneralSecurityException {
    if (pemPath == null || pemPath.isBlank()) {
      return null;
    }
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    int n = 0;
    for (X509Certificate ca : jdkDefaults()) {
      store.setCertificateEntry("jdk-" + n++, ca);
    }
    Collection<? extends Certificate> extra;
    try (InputStream in = Files.newInputStream(Path.of(pemPath))) {
      extra = CertificateFactory.getInstance("X.509").generateCertificates(in);
    }
    if (extra.isEmpty()) {
      throw new GeneralSecurityException("fetch.trustStore " + pemPath + " holds no PEM certificate");
    }
    for (Certificate ca : extra) {
      store.setCertificateEntry("extra-" + n++, ca);
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return TrustOptions.wrap(factory);
  }

  private static X509Certificate[] jdkDefaults() throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return x509.getAcceptedIssuers();
      }
    }
    return new X509Certificate[0];
  }
}
