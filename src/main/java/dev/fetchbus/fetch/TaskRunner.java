package dev.fetchbus.fetch;

import dev.fetchbus.config.Settings;
import dev.fetchbus.extract.PageExtractor;
import dev.fetchbus.extract.Scope;
import dev.fetchbus.extract.SitemapReader;
import dev.fetchbus.extract.UrlNormalizer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Runs one fetch task to an outcome: robots.txt first (when the job obeys it), then the download,
 * then extraction on a worker thread. Never fails: every failure is an outcome of one taxonomy type.
 */
final class TaskRunner {
  private final Vertx vertx;
  private final HttpFetcher fetcher;
  private final RobotsCache robots;
  private final int sitemapMaxBytes;
  private final Extraction extraction;

  TaskRunner(Vertx vertx, HttpFetcher fetcher, RobotsCache robots, Settings settings) {
    this.vertx = vertx;
    this.fetcher = fetcher;
    this.robots = robots;
    this.sitemapMaxBytes = settings.sitemapMaxBytes();
    this.extraction = new Extraction(vertx, settings.extractMemoSize());
  }

  Future<FetchOutcome> run(FetchTask task) {
    long startedMs = System.currentTimeMillis();
    Future<FetchOutcome> outcome = task.isSitemap() ? sitemap(task) : page(task);
    return outcome.recover(err -> Future.succeededFuture(
        FetchOutcome.failure(task.url(), FailureClassifier.classify(err), startedMs)));
  }

  /** robots.txt of the task's origin, for the frontier's politeness (Crawl-delay, Sitemap lines). */
  Future<Robots> robotsFor(String url) {
    return robots.rulesFor(url, fetcher);
  }

  private Future<FetchOutcome> page(FetchTask task) {
    return allowedByRobots(task).compose(v -> fetcher.download(task.url(), task.timeoutMs(), task.maxBodyBytes(),
        task.validators(), download -> pageOutcome(task, download)));
  }

  private Future<FetchOutcome> pageOutcome(FetchTask task, Download download) {
    if (download.status() == 304 && task.validators() != null) {
      return Future.succeededFuture(notModified(task, download));
    }
    byte[] body = download.body().getBytes();
    String type = download.header(HttpHeaders.CONTENT_TYPE);
    if (task.scope() == null) {
      return extraction.summary(body, type, download.url(), task.extract())
          .map(page -> outcome(task, download, page, List.of()));
    }
    return vertx.executeBlocking(() -> {
      PageExtractor.Extracted page = PageExtractor.extract(body, type, download.url());
      return outcome(task, download, page, discoveries(page.outlinks(), task.scope()::allows, FetchTask.PAGE));
    }, false);
  }

  private Future<Void> allowedByRobots(FetchTask task) {
    if (!task.robots()) {
      return Future.succeededFuture();
    }
    return robots.rulesFor(task.url(), fetcher).compose(rules -> {
      if (rules.unavailable()) {
        return Future.failedFuture(new FetchFailure(FetchError.ROBOTS_UNAVAILABLE, rules.reason()));
      }
      if (!rules.allows(task.url())) {
        return Future.failedFuture(new FetchFailure(FetchError.ROBOTS, "disallowed by robots.txt"));
      }
      return Future.succeededFuture();
    });
  }

  /**
   * A sitemap is fetched like a page: only where robots.txt allows it. Its pages are scoped like
   * links; an index's child sitemaps only by site, or an index could send the crawl to any host.
   */
  private Future<FetchOutcome> sitemap(FetchTask task) {
    return allowedByRobots(task).compose(v -> fetcher.download(task.url(), task.timeoutMs(), sitemapMaxBytes,
        download -> sitemapOutcome(task, download)));
  }

  private Future<FetchOutcome> sitemapOutcome(FetchTask task, Download download) {
    if (!download.ok()) {
      return Future.succeededFuture(outcome(task, download, null, List.of()));
    }
    byte[] body = download.body().getBytes();
    String type = download.header(HttpHeaders.CONTENT_TYPE);
    return vertx.executeBlocking(() -> {
      SitemapReader.Entries entries = SitemapReader.read(body, type, download.url());
      Scope scope = task.scope();
      List<Discovered> found = new ArrayList<>();
      if (scope != null) {
        found.addAll(discoveries(entries.pages(), scope::allows, FetchTask.PAGE));
        found.addAll(discoveries(entries.sitemaps(), scope::allowsSitemap, FetchTask.SITEMAP));
      }
      PageExtractor.Extracted summary = new PageExtractor.Extracted(
          dev.fetchbus.extract.ContentHash.sha256(body), null, entries.pages().size() + entries.sitemaps().size(),
          null, List.of());
      return outcome(task, download, summary, found);
    }, false);
  }

  /** The page is as it was when its validators were stored: recorded with the stored content hash. */
  private static FetchOutcome notModified(FetchTask task, Download d) {
    long now = System.currentTimeMillis();
    return new FetchOutcome(d.url(), d.status(), d.header(HttpHeaders.CONTENT_TYPE), 0, false, null,
        task.validators().contentHash(), null, d.redirects(), task.validators().etag(), task.validators().lastModified(),
        now, (int) (now - d.startedMs()), null, null, 0, true, List.of());
  }

  /** The URLs that normalise and pass {@code inScope} (given the normalised URL), as discoveries of one kind. */
  private static List<Discovered> discoveries(List<String> urls, Predicate<String> inScope, String kind) {
    List<Discovered> found = new ArrayList<>();
    for (String url : urls) {
      if (UrlNormalizer.normalize(url) instanceof UrlNormalizer.Accepted ok && inScope.test(ok.url())) {
        found.add(new Discovered(ok.url(), ok.host(), kind));
      }
    }
    return found;
  }

  private static FetchOutcome outcome(FetchTask task, Download d, PageExtractor.Extracted page, List<Discovered> found) {
    long now = System.currentTimeMillis();
    FetchError error = null;
    String message = null;
    if (!d.ok()) {
      error = FetchError.HTTP_STATUS;
      message = d.status() + " " + d.statusMessage();
    } else if (d.truncated()) {
      error = FetchError.TOO_LARGE;
      message = "body exceeded " + task.maxBodyBytes() + " bytes; the first " + d.body().length() + " were kept";
    }
    return new FetchOutcome(d.url(), d.status(), d.header(HttpHeaders.CONTENT_TYPE), d.body().length(), d.truncated(),
        page == null ? null : page.title(), page == null ? null : page.contentHash(), page == null ? null : page.links(),
        d.redirects(), d.header(HttpHeaders.ETAG), d.header(HttpHeaders.LAST_MODIFIED), now, (int) (now - d.startedMs()),
        error, message, RetryAfter.millis(d.header("Retry-After"), now), false, found);
  }
}
