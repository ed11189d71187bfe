package dev.fetchbus.fetch;

import dev.fetchbus.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

/**
 * The node's one pooled HTTP client. Every fetcher instance asks for it by the same name, so they
 * share its connection pool. The per-host pool is raised from Vert.x's default of 5 on purpose:
 * politeness is enforced by the frontier's host slots, and the pool must never be the tighter limit.
 */
public final class SharedHttpClient {
  public static final String NAME = "fetchbus-web";

  private SharedHttpClient() {}

  public static HttpClient create(Vertx vertx, Settings.Fetch config) {
    HttpClientOptions options = new HttpClientOptions()
        .setShared(true)
        .setName(NAME)
        .setKeepAlive(true)
        .setKeepAliveTimeout(30)
        .setDecompressionSupported(true)
        .setConnectTimeout(config.connectTimeoutMs())
        .setForceSni(true)
        .setMaxInitialLineLength(8192)
        .setMaxHeaderSize(64 * 1024);
    PoolOptions pool = new PoolOptions()
        .setHttp1MaxSize(config.poolPerHost())
        .setMaxWaitQueueSize(config.maxInFlight());
    return vertx.httpClientBuilder().with(options).with(pool).build();
  }
}
