package dev.fetchbus.fetch;

import io.vertx.core.http.HttpClient;

/**
 * The node's two pooled clients: {@code tls} offers HTTP/2 by ALPN (when {@code fetch.http2} is on)
 * and falls back to HTTP/1.1; {@code clear} speaks HTTP/1.1 only. They are two because Vert.x would
 * turn cleartext requests of an HTTP/2 client into h2c upgrades, which adds headers to every
 * cleartext request and confuses servers that do not know h2c.
 */
public record WebClients(HttpClient clear, HttpClient tls) {
  HttpClient forScheme(boolean ssl) {
    return ssl ? tls : clear;
  }
}
