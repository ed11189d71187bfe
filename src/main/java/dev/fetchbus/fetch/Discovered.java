package dev.fetchbus.fetch;

import dev.fetchbus.extract.UrlHash;

/**
 * A URL found on a page or in a sitemap, already normalised and in the job's scope, with its
 * 64-bit hash (computed on the worker that found it, for the frontier's filter of links seen).
 */
public record Discovered(String url, String host, String kind, long hash) {
  public Discovered(String url, String host, String kind) {
    this(url, host, kind, UrlHash.of(url));
  }
}
