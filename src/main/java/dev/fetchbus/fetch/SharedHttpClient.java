package dev.fetchbus.fetch;

import dev.fetchbus.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.TrustOptions;

/**
 * The node's pooled HTTP clients. Every fetcher instance asks for them by the same names, so they
 * share their connection pools. The per-host HTTP/1 pool is raised from Vert.x's default of 5 on
 * purpose: politeness is enforced by the frontier's host slots, and the pool must never be the
 * tighter limit. An HTTP/2 connection carries many requests at once (servers allow 100 or more
 * streams), so a few per host do; the host slots still decide how many run.
 */
public final class SharedHttpClient {
  public static final String NAME = "fetchbus-web";
  /** HTTP/2 connections per host: one usually does; a second covers servers that allow few streams. */
  static final int HTTP2_PER_HOST = 2;

  private SharedHttpClient() {}

  /**
   * The clients, trusting the JDK's CAs (and, when a trust store is configured, use
   * {@link #create(Vertx, Settings, TrustOptions)}).
   */
  public static WebClients create(Vertx vertx, Settings.Fetch config) {
    return create(vertx, config, true, null);
  }

  /** The clients for {@code settings}, trusting {@code trust} (the JDK's CAs when null). */
  public static WebClients create(Vertx vertx, Settings settings, TrustOptions trust) {
    return create(vertx, settings.fetch(), settings.egress().http2(), trust);
  }

  private static WebClients create(Vertx vertx, Settings.Fetch config, boolean http2, TrustOptions trust) {
    PoolOptions pool = new PoolOptions()
        .setHttp1MaxSize(config.poolPerHost())
        .setHttp2MaxSize(Math.min(HTTP2_PER_HOST, config.poolPerHost()))
        .setMaxWaitQueueSize(config.maxInFlight());
    HttpClientOptions clear = options(config).setName(NAME);
    HttpClientOptions tls = options(config).setName(NAME + "-tls")
        // certificates are always verified, host names included
        .setVerifyHost(true)
        .setTrustOptions(trust);
    if (http2) {
      tls.setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true).setHttp2ClearTextUpgrade(false);
    }
    return new WebClients(vertx.httpClientBuilder().with(clear).with(pool).build(),
        vertx.httpClientBuilder().with(tls).with(new PoolOptions(pool)).build());
  }

  private static HttpClientOptions options(Settings.Fetch config) {
    return new HttpClientOptions()
        .setShared(true)
        .setKeepAlive(true)
        .setKeepAliveTimeout(30)
        // bodies come as they are on the wire: fetchbus asks for gzip itself (HopRequest) and decodes
        // on the CPU pool (ContentCoding), not chunk by chunk on the event loops
        .setDecompressionSupported(false)
        .setConnectTimeout(config.connectTimeoutMs())
        .setForceSni(true)
        .setMaxInitialLineLength(8192)
        .setMaxHeaderSize(64 * 1024);
  }
}
