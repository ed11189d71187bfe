package dev.fetchbus.fetch;

import dev.fetchbus.extract.Scope;
import dev.fetchbus.store.Validators;

/**
 * One URL to fetch, with the per-job limits that apply to it. {@code kind} is {@code page} or
 * {@code sitemap}. {@code scope} is set for crawl jobs: links in it are returned as discovered.
 * {@code validators} (or null) turn the request into a conditional one. Without {@code extract}
 * only the content hash is computed (fetch-only mode).
 */
public record FetchTask(
    long urlId, long jobId, String url, String kind, int attempt, int timeoutMs, int maxBodyBytes, boolean robots,
    boolean extract, Scope scope, Validators validators) {

  public static final String PAGE = "page";
  public static final String SITEMAP = "sitemap";

  public boolean isSitemap() {
    return SITEMAP.equals(kind);
  }
}
