package dev.fetchbus.fetch;

import dev.fetchbus.config.ProxyUrl;
import dev.fetchbus.config.RenderSettings;
import dev.fetchbus.content.Header;
import dev.fetchbus.extract.ContentHash;
import dev.fetchbus.render.ChromiumPool;
import dev.fetchbus.render.RenderFailure;
import dev.fetchbus.render.Rendered;
import dev.fetchbus.store.ScreenshotTable;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A page of a {@code render: chromium} job: loaded in the node's {@link ChromiumPool} and turned
 * into a {@link Download} whose body is the rendered DOM, so extraction, storage and records work
 * as for any page. Every connection the browser makes is judged with the fetcher's own resolver
 * and {@link NetworkGuard}, as the fetcher judges its own, and made to the address judged (the
 * pool's proxy connects, not Chromium), so DNS rebinding cannot slip past either; it goes through
 * the proxy the fetcher would use, and holds a politeness slot of its host ({@link PageEgress}).
 */
final class RenderedFetch {
  private final Vertx vertx;
  private final ChromiumPool pool;
  private final NetworkGuard guard;
  private final HostResolver resolver;
  private final ScreenshotTable screenshots;
  private final ProxyUrl nodeProxy;

  /**
   * Pages go through a job's proxy, else {@code nodeProxy} ({@code fetch.proxy}, or null), as the fetcher's requests
   * do.
   */
  RenderedFetch(Vertx vertx, RenderSettings settings, NetworkGuard guard, HostResolver resolver,
      ScreenshotTable screenshots, ProxyUrl nodeProxy) {
    this.vertx = vertx;
    this.screenshots = screenshots;
    this.guard = guard;
    this.resolver = resolver;
    this.nodeProxy = nodeProxy;
    this.pool = ChromiumPool.shared(vertx, settings);
  }

  /** Ends the node's browsers (the node is stopping). */
  void close() {
    pool.close();
  }

  /**
   * The rendered page of {@code task}, as a download whose body is the DOM (UTF-8 HTML); or a
   * {@link FetchFailure}. A job's screenshot is stored before the download is handed on, so the
   * record never names a screenshot that is not there; a screenshot that cannot be stored is
   * dropped (the page is still recorded), never a reason to fail the page.
   */
  Future<Download> download(FetchTask task, String userAgent) {
    long startedMs = System.currentTimeMillis();
    boolean screenshot = task.options().render().screenshot() && task.jobId() >= 0;
    PageEgress network = new PageEgress(vertx, guard, resolver, ProxyRoute.of(task.options().proxy(), nodeProxy), task,
        pool.settings().timeoutMs());
    return pool.render(vertx, task.url(), userAgent, screenshot, network)
        .recover(err -> Future.failedFuture(err instanceof RenderFailure f
            ? new FetchFailure(f.timeout() ? FetchError.TIMEOUT : FetchError.IO, f.getMessage()) : err))
        .compose(page -> {
          if (page.refused() != null) {
            return Future.failedFuture(new FetchFailure(FetchError.BLOCKED, page.refused()));
          }
          Future<Void> kept = page.screenshot() == null ? Future.succeededFuture()
              : screenshots.put(task.jobId(), task.urlId(), ContentHash.sha256(page.screenshot()), page.screenshot())
                  .otherwiseEmpty();
          return kept.map(v -> download(page, task.maxBodyBytes(), startedMs));
        });
  }

  private static Download download(Rendered page, int maxBytes, long startedMs) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    page.headers().forEach(headers::add);
    if (page.dom()) {
      // the body is the DOM serialised by us, in UTF-8 whatever the origin sent
      headers.set("Content-Type", "text/html; charset=utf-8");
    }
    // either way the body is decoded and its length our own
    headers.remove("Content-Length");
    headers.remove("Content-Encoding");
    byte[] html = page.body();
    boolean truncated = html.length > maxBytes;
    List<Header> sent = new ArrayList<>();
    for (Map.Entry<String, String> h : page.requestHeaders().entrySet()) {
      sent.add(new Header(h.getKey(), h.getValue()));
    }
    return new Download(page.url(), page.status(), page.statusText(), headers,
        truncated ? Arrays.copyOf(html, maxBytes) : html, truncated, page.redirects(), startedMs, page.protocol(),
        sent, null, maxBytes);
  }
}
