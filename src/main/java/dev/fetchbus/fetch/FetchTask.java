package dev.fetchbus.fetch;

import dev.fetchbus.config.JobOptions;
import dev.fetchbus.extract.Scope;
import dev.fetchbus.store.ClaimedUrl;
import dev.fetchbus.store.Validators;

/**
 * One URL to fetch: the frontier's claim of it, held whole rather than copied field by field, with
 * its job's options. The claim's {@code kind} is {@code page}, {@code sitemap} or {@code requisite}.
 * {@code scope} is set for crawl jobs: links in it are returned as discovered. While
 * {@code conditional}, the claim's validators (if any) turn the request into a conditional one. With
 * {@code requisites}, a crawl page's embedded resources are discovered too, as {@code requisite}
 * URLs, whose own links are not followed.
 */
public record FetchTask(ClaimedUrl claimed, JobOptions options, Scope scope, boolean requisites, boolean conditional) {

  public static final String PAGE = "page";
  public static final String SITEMAP = "sitemap";
  public static final String REQUISITE = "requisite";

  /** A task for {@code claimed}, conditional when the claim carries validators. */
  public static FetchTask of(ClaimedUrl claimed, JobOptions options, Scope scope, boolean requisites) {
    return new FetchTask(claimed, options, scope, requisites, true);
  }

  public long urlId() {
    return claimed.id();
  }

  /** The job's id; negative for a synchronous fetch, which belongs to no job. */
  public long jobId() {
    return claimed.jobId();
  }

  public String url() {
    return claimed.url();
  }

  public String kind() {
    return claimed.kind();
  }

  /** The validators of the page last fetched from this URL, or null for an unconditional fetch. */
  public Validators validators() {
    return conditional ? claimed.validators() : null;
  }

  public boolean isSitemap() {
    return SITEMAP.equals(kind());
  }

  public boolean isRequisite() {
    return REQUISITE.equals(kind());
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
    return new FetchTask(claimed, options, scope, requisites, false);
  }
}
