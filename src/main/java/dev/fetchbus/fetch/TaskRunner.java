package dev.fetchbus.fetch;

import dev.fetchbus.config.ProxyUrl;
import dev.fetchbus.config.Settings;
import dev.fetchbus.content.BodyCodec;
import dev.fetchbus.content.PageFacts;
import dev.fetchbus.content.StoredBody;
import dev.fetchbus.cpu.CpuPool;
import dev.fetchbus.extract.ContentHash;
import dev.fetchbus.extract.KnownUrls;
import dev.fetchbus.extract.PageExtractor;
import dev.fetchbus.extract.Scope;
import dev.fetchbus.extract.SitemapReader;
import dev.fetchbus.extract.UrlNormalizer;
import dev.fetchbus.store.PreviousPage;
import dev.fetchbus.store.Validators;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Runs one fetch task to an outcome: robots.txt first (when the job obeys it), then the download,
 * then extraction and compression on a worker thread. Never fails: every failure is an outcome of
 * one taxonomy type.
 *
 * <p>A 304 answer reuses what was kept of the version it revalidated (its facts, links and stored
 * body), so a re-crawl goes on through unchanged pages. When nothing usable was kept (the earlier
 * record was purged, or its job stored no body and this one does), the page is fetched again
 * without validators.
 */
final class TaskRunner {
  private final Vertx vertx;
  private final HttpFetcher fetcher;
  private final RobotsCache robots;
  private final int sitemapMaxBytes;
  private final CpuPool cpu;
  private final BodyCodec codec;
  private final int compressionLevel;
  private final Function<Validators, Future<Optional<PreviousPage>>> previous;
  private final CookieJars cookies;
  /** Where {@code render: chromium} pages go; null on a node that was given none. */
  private RenderedFetch rendered;

  TaskRunner(Vertx vertx, HttpFetcher fetcher, RobotsCache robots, Settings settings,
      Function<Validators, Future<Optional<PreviousPage>>> previous, CookieJars cookies) {
    this.vertx = vertx;
    this.fetcher = fetcher;
    this.robots = robots;
    this.sitemapMaxBytes = settings.sitemapMaxBytes();
    this.cpu = CpuPool.of(vertx, settings.cpuThreads(), settings.tuning().cpuOnEventLoop());
    this.codec = BodyCodec.of(settings.store().compression());
    this.compressionLevel = settings.store().compressionLevel();
    this.previous = previous;
    this.cookies = cookies;
  }

  /** Sends the pages of rendering jobs to {@code rendered} (the node's browsers); returns this. */
  TaskRunner rendering(RenderedFetch rendered) {
    this.rendered = rendered;
    return this;
  }

  /** The task's job's user agent, headers, cookies and proxy, for one download. */
  private RequestProfile profile(FetchTask task) {
    return RequestProfile.of(fetcher.nodeUserAgent(), task.options().requests(), task.jobId(), cookies,
        task.options().proxy());
  }

  Future<FetchOutcome> run(FetchTask task) {
    long startedMs = System.currentTimeMillis();
    Future<FetchOutcome> outcome = task.isSitemap() ? sitemap(task) : page(task);
    return outcome.recover(err -> Future.succeededFuture(
        FetchOutcome.failure(task.url(), FailureClassifier.classify(err), startedMs)));
  }

  /**
   * robots.txt of the task's origin, for the frontier's politeness (Crawl-delay, Sitemap lines), as
   * the job's agent reads it (null: the node's) through the job's proxy (null: the node's route).
   */
  Future<Robots> robotsFor(String url, String userAgent, ProxyUrl proxy) {
    return robots.rulesFor(url, fetcher, userAgent, proxy);
  }

  private Future<FetchOutcome> page(FetchTask task) {
    if (task.options().render().enabled() && !task.isRequisite()) {
      return renderedPage(task);
    }
    return allowedByRobots(task)
        .compose(v -> fetcher.download(task.url(), task.timeoutMs(), task.maxBodyBytes(), task.validators(),
            profile(task), download -> pageOutcome(task, download)))
        .compose(outcome -> outcome != null ? Future.succeededFuture(outcome) : page(task.unconditional()));
  }

  /**
   * A page loaded in Chromium: robots.txt first, then the rendered DOM goes through the same
   * extraction and storage as a fetched body. Only the job's user agent reaches the browser; its
   * headers, cookies and credentials do not, since the browser would send them to every host.
   */
  private Future<FetchOutcome> renderedPage(FetchTask task) {
    if (rendered == null) {
      return Future.failedFuture(new FetchFailure(FetchError.IO, "this node renders no pages"));
    }
    return allowedByRobots(task)
        .compose(v -> rendered.download(task, profile(task).userAgent()))
        .compose(download -> pageOutcome(task, download));
  }

  /** The page's outcome; null when a 304 cannot be used and the page must be fetched unconditionally. */
  private Future<FetchOutcome> pageOutcome(FetchTask task, Download download) {
    if (download.status() == 304 && task.validators() != null) {
      return previous.apply(task.validators()).compose(kept -> notModified(task, download, kept));
    }
    // the copy made here (the compressed bytes) counts until the outcome is built
    long processing = download.body().length;
    fetcher.budget().charge(processing);
    return onDecoded(download, d -> {
      byte[] body = d.body();
      String type = d.header(HttpHeaders.CONTENT_TYPE);
      String hash = ContentHash.sha256(body);
      PageFacts facts = task.extract() && PageExtractor.isHtml(type) ? PageExtractor.facts(body, type, d.url())
          : PageFacts.NONE;
      List<Discovered> found = task.isCrawl() && d.ok() ? discovered(task, facts) : List.of();
      return outcome(task, d, hash, facts, found, stored(task, body, hash));
    }).andThen(done -> fetcher.budget().release(processing));
  }

  /**
   * {@code work} on the CPU pool, on the download with its body decoded. A decoded copy counts
   * against the body budget while the work runs.
   */
  private <T> Future<T> onDecoded(Download download, DecodedWork<T> work) {
    return cpu.run(() -> {
      Download decoded = download.decoded();
      long copy = decoded == download ? 0 : decoded.body().length;
      fetcher.budget().charge(copy);
      try {
        return work.apply(decoded);
      } finally {
        fetcher.budget().release(copy);
      }
    });
  }

  /** Work on a decoded download; it may throw, as any work on the CPU pool may. */
  private interface DecodedWork<T> {
    T apply(Download decoded) throws Exception;
  }

  /**
   * The body to store, compressed. A job's record carries it to the store, which gives its bytes
   * back to the budget once written ({@link StoredBody#heldBytes()}); a synchronous fetch's copy
   * lives in the fetch cache, which has its own bound.
   */
  private StoredBody stored(FetchTask task, byte[] body, String hash) {
    if (!task.storesBody()) {
      return null;
    }
    StoredBody stored = codec.store(body, hash, compressionLevel);
    if (task.jobId() >= 0) {
      fetcher.budget().charge(stored.data().length);
    }
    return stored;
  }

  private Future<FetchOutcome> notModified(FetchTask task, Download d, Optional<PreviousPage> kept) {
    boolean usable = kept.isPresent() && (kept.get().bodyStored() || !task.storesBody());
    // a job's record must point at what it revalidated; a synchronous fetch (no job) keeps its own copy
    boolean forJob = task.jobId() >= 0;
    if (forJob && !usable && (task.isCrawl() || task.storesBody())) {
      return Future.succeededFuture(null);
    }
    Validators v = task.validators();
    PreviousPage page = kept.orElse(null);
    PageFacts facts = page == null ? PageFacts.NONE : page.facts();
    return cpu.run(() -> FetchOutcome.builder(d.url())
        .response(d.status(), page == null ? d.header(HttpHeaders.CONTENT_TYPE) : page.contentType(), d.redirects())
        .body(page == null ? 0 : page.bytes(), false, v.contentHash())
        .facts(facts)
        .validators(v.etag(), v.lastModified())
        .elapsedMs((int) (System.currentTimeMillis() - d.startedMs()))
        .notModified(true)
        .exchange(d.exchange())
        .stored(page != null && page.bodyStored() ? StoredBody.reference(v.contentHash(), page.bytes()) : null)
        .discovered(task.isCrawl() ? discovered(task, facts) : List.of())
        .build());
  }

  private Future<Void> allowedByRobots(FetchTask task) {
    if (!task.robots()) {
      return Future.succeededFuture();
    }
    return robots.rulesFor(task.url(), fetcher, task.options().requests().userAgent(), task.options().proxy())
        .compose(rules -> {
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
    return allowedByRobots(task).compose(v -> fetcher.download(task.url(), task.timeoutMs(), sitemapMaxBytes, null,
        profile(task), download -> sitemapOutcome(task, download)));
  }

  private Future<FetchOutcome> sitemapOutcome(FetchTask task, Download download) {
    return onDecoded(download, d -> d.ok() ? sitemapOutcomeOf(task, d)
        : outcome(task, d, ContentHash.sha256(d.body()), PageFacts.NONE, List.of(), null));
  }

  private FetchOutcome sitemapOutcomeOf(FetchTask task, Download download) throws IOException {
    byte[] body = download.body();
    String type = download.header(HttpHeaders.CONTENT_TYPE);
    SitemapReader.Entries entries = entries(body, type, download);
    Scope scope = task.scope();
    List<Discovered> found = new ArrayList<>();
    if (scope != null) {
      found.addAll(discoveries(entries.pages(), scope::allows, FetchTask.PAGE));
      found.addAll(discoveries(entries.sitemaps(), scope::allowsSitemap, FetchTask.SITEMAP));
    }
    PageFacts facts = PageFacts.counted(entries.pages().size() + entries.sitemaps().size());
    String hash = ContentHash.sha256(body);
    return outcome(task, download, hash, facts, found, stored(task, body, hash));
  }

  /**
   * A sitemap cut at sitemap.maxBytes is seldom well-formed: its parse error would hide the cause,
   * so it yields no entries and its record says too_large, naming the cap to raise.
   */
  private static SitemapReader.Entries entries(byte[] body, String type, Download download) throws IOException {
    try {
      return SitemapReader.read(body, type, download.url());
    } catch (IOException e) {
      if (download.truncated()) {
        return new SitemapReader.Entries(List.of(), List.of());
      }
      throw e;
    }
  }

  /** A crawl page's in-scope links, and its requisites (wherever they are) when the job fetches them. */
  private static List<Discovered> discovered(FetchTask task, PageFacts facts) {
    List<Discovered> found = discoveries(facts.outlinks(), task.scope()::allows, FetchTask.PAGE);
    if (task.requisites()) {
      found.addAll(discoveries(facts.requisites(), url -> true, FetchTask.REQUISITE));
    }
    return found;
  }

  /** The URLs that normalise and pass {@code inScope} (given the normalised URL), as discoveries of one kind. */
  private static List<Discovered> discoveries(List<String> urls, Predicate<String> inScope, String kind) {
    List<Discovered> found = new ArrayList<>();
    for (String url : urls) {
      if (KnownUrls.normalize(url) instanceof UrlNormalizer.Accepted ok && inScope.test(ok.url())) {
        found.add(new Discovered(ok.url(), ok.host(), kind));
      }
    }
    return found;
  }

  private FetchOutcome outcome(FetchTask task, Download d, String hash, PageFacts facts, List<Discovered> found,
      StoredBody body) {
    long now = System.currentTimeMillis();
    FetchOutcome.Builder outcome = FetchOutcome.builder(d.url())
        .response(d.status(), d.header(HttpHeaders.CONTENT_TYPE), d.redirects())
        .body(d.body().length, d.truncated(), hash)
        .facts(facts)
        .validators(d.header(HttpHeaders.ETAG), d.header(HttpHeaders.LAST_MODIFIED))
        .fetchedAt(now)
        .elapsedMs((int) (now - d.startedMs()))
        // only a 429 or a 503 asks us to wait (RFC 9110): a Retry-After on any other answer pauses nothing
        .retryAfterMs(d.status() == 429 || d.status() == 503 ? RetryAfter.millis(d.header("Retry-After"), now) : 0)
        .discovered(found)
        .exchange(d.exchange())
        .stored(body);
    if (!d.ok()) {
      outcome.error(FetchError.HTTP_STATUS, d.status() + " " + d.statusMessage());
    } else if (d.truncated()) {
      // a sitemap is read up to sitemap.maxBytes, a page up to its job's maxBodyBytes
      String cap = FetchTask.SITEMAP.equals(task.kind()) ? "sitemap.maxBytes (" + sitemapMaxBytes + ")"
          : "maxBodyBytes (" + task.maxBodyBytes() + ")";
      outcome.error(FetchError.TOO_LARGE,
          "body exceeded " + cap + " bytes; the first " + d.body().length + " were read");
    }
    return outcome.build();
  }
}
