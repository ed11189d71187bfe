package dev.fetchbus.fetch;

import dev.fetchbus.config.JobOptions;
import dev.fetchbus.extract.Scope;
import dev.fetchbus.store.Validators;

/**
 * One URL to fetch, with its job's options. {@code kind} is {@code page} or {@code sitemap}.
 * {@code scope} is set for crawl jobs: links in it are returned as discovered. {@code validators}
 * (or null) turn the request into a conditional one. With {@code requisites}, a crawl page's
 * embedded resources are discovered too, as {@code requisite} URLs, whose own links are not followed.
 */
public record FetchTask(
    long urlId, long jobId, String url, String kind, int attempt, JobOptions options, Scope scope,
    boolean requisites, Validators validators) {

  public static final String PAGE = "page";
  public static final String SITEMAP = "sitemap";
  public static final String REQUISITE = "requisite";

  public boolean isSitemap() {
    return SITEMAP.equals(kind);
  }

  public boolean isRequisite() {
    return REQUISITE.equals(kind);
  }

  /** Whether the page's links are read and followed: crawl pages, not their requisites. */
  public boolean isCrawl() {
    return scope != null && !isRequisite();
  }

  public int timeoutMs() {
    return options.timeoutMs();
  }

  public int maxBodyBytes() {
    return options.maxBodyBytes();
  }

  public boolean robots() {
    return options.robots();
  }

  /** Whether HTML is parsed: a crawl always parses, for its links; a list job unless it is fetch-only. */
  public boolean extract() {
    return options.extract() || scope != null;
  }

  public boolean storesBody() {
    return options.storesBodies();
  }

  /** The same task without validators: an unconditional fetch. */
  public FetchTask unconditional() {
    return new FetchTask(urlId, jobId, url, kind, attempt, options, scope, requisites, null);
  }
}
