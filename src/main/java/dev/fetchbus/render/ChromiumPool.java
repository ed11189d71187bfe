package dev.fetchbus.render;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.options.Proxy;
import dev.fetchbus.cache.NodeShared;
import dev.fetchbus.config.RenderSettings;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's bounded pool of headless Chromium browsers: {@code render.maxConcurrency} dedicated
 * threads, each driving its own browser through its own Playwright connection (Playwright's Java
 * API blocks and is not thread-safe, so a browser belongs to one thread and never to an event
 * loop). Each page gets a fresh browser context (no cookies, cache or storage shared between
 * pages or jobs), which is closed when the page is done. Browsers start on first use and are
 * started again if one dies.
 */
public final class ChromiumPool {
  /** Flags that work headless in a container; no background traffic of Chromium's own. */
  static final List<String> FLAGS = List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync", "--dns-prefetch-disable",
      "--disable-features=NetworkPrediction,PreconnectToSearch,DnsOverHttps");

  private final RenderSettings settings;
  private final GuardProxy proxy;
  private final ExecutorService threads;
  private final ThreadLocal<Browser> browsers = new ThreadLocal<>();
  private final ThreadLocal<Playwright> drivers = new ThreadLocal<>();
  private final AtomicInteger busy = new AtomicInteger();
  /** Every live driver, so that {@link #close} can end them (and their browsers) from another thread. */
  private final Queue<Playwright> live = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private ChromiumPool(Vertx vertx, RenderSettings settings) {
    this.settings = settings;
    this.proxy = new GuardProxy(vertx, settings.timeoutMs());
    AtomicInteger n = new AtomicInteger();
    this.threads = Executors.newFixedThreadPool(settings.maxConcurrency(), r -> {
      Thread t = new Thread(r, "fetchbus-render-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** The node's one pool (all fetcher instances share it, so the bound is per node). */
  public static ChromiumPool shared(Vertx vertx, RenderSettings settings) {
    return NodeShared.get(vertx, "chromiumPool", () -> new ChromiumPool(vertx, settings));
  }

  public RenderSettings settings() {
    return settings;
  }

  /** Pages being rendered right now. */
  public int busy() {
    return busy.get();
  }

  /**
   * Renders {@code url} as {@code userAgent} (with a PNG of it if {@code screenshot}), every
   * connection judged, held to its host's politeness and routed by {@code network}. Completes on the
   * caller's context. A page that waited {@code render.timeoutMs} for a free browser fails as a
   * timeout rather than holding its lease longer.
   */
  public Future<Rendered> render(Vertx vertx, String url, String userAgent, boolean screenshot, PageNetwork network) {
    String reason = settings.unavailableReason();
    if (reason != null) {
      return Future.failedFuture(new RenderFailure(reason, false));
    }
    Context context = vertx.getOrCreateContext();
    Promise<Rendered> result = Promise.promise();
    long queuedAt = System.currentTimeMillis();
    try {
      threads.execute(() -> {
        busy.incrementAndGet();
        try {
          long waited = System.currentTimeMillis() - queuedAt;
          if (waited >= settings.timeoutMs()) {
            throw new RenderFailure("waited " + waited + " ms for a free browser (render.maxConcurrency "
                + settings.maxConcurrency() + ")", true);
          }
          Rendered page = new PageRender(browser(), settings, network, proxy).render(url, userAgent, screenshot,
              settings.timeoutMs() - (int) waited);
          context.runOnContext(v -> result.complete(page));
        } catch (RuntimeException e) {
          context.runOnContext(v -> result.fail(e));
        } finally {
          busy.decrementAndGet();
        }
      });
    } catch (RejectedExecutionException e) {
      return Future.failedFuture(new RenderFailure("the render pool is shut down", false));
    }
    return result.future();
  }

  /**
   * Ends the browsers when the node stops: no more pages are taken, and once the pages under way are
   * done (or after render.timeoutMs) every driver is closed, which ends its Chromium. On a thread of
   * its own, so a verticle's stop never blocks an event loop.
   */
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    threads.shutdown();
    Thread closer = new Thread(() -> {
      try {
        threads.awaitTermination(settings.timeoutMs(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (Playwright driver; (driver = live.poll()) != null; ) {
        try {
          driver.close();
        } catch (RuntimeException ignored) {
          // already gone
        }
      }
    }, "fetchbus-render-close");
    closer.setDaemon(true);
    closer.start();
  }

  /** This thread's browser, started (again) when there is none or it has gone away. */
  private Browser browser() {
    Browser browser = browsers.get();
    if (browser != null && browser.isConnected()) {
      return browser;
    }
    Playwright old = drivers.get();
    if (old != null) {
      live.remove(old);
      try {
        old.close();
      } catch (PlaywrightException ignored) {
        // the driver went away with its browser
      }
    }
    // the Node driver comes from the driver-bundle jar; no browser is ever downloaded
    Playwright driver = Playwright.create(new Playwright.CreateOptions()
        .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    drivers.set(driver);
    live.add(driver);
    try {
      // every connection through the guard proxy, loopback too (Chromium would bypass a proxy for it);
      // without credentials here: each page's context brings its own, so a context without them gets nowhere
      browser = driver.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(Path.of(settings.chromium()))
          .setHeadless(true).setArgs(FLAGS).setTimeout(settings.timeoutMs())
          .setProxy(new Proxy(proxyServer()).setBypass("<-loopback>")));
    } catch (PlaywrightException e) {
      throw new RenderFailure("Chromium (render.chromium " + settings.chromium() + ") did not start: "
          + firstLine(e.getMessage()), false);
    }
    browsers.set(browser);
    return browser;
  }

  /** The guard proxy as Chromium names it. */
  private String proxyServer() {
    return "http://127.0.0.1:" + proxy.port();
  }

  static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
