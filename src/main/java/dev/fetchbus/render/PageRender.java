package dev.fetchbus.render;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.Request;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.TimeoutError;
import com.microsoft.playwright.options.LoadState;
import com.microsoft.playwright.options.Proxy;
import com.microsoft.playwright.options.ServiceWorkerPolicy;
import com.microsoft.playwright.options.WaitUntilState;
import dev.fetchbus.config.RenderSettings;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One page in a fresh browser context, on a render thread. Every request of the context (the
 * document, frames, images, scripts, fetch/XHR, popups) is judged by the page's {@link PageNetwork} before
 * Chromium sends it; service workers are blocked, since their requests would not be seen.
 * WebSockets are left to the proxy (Playwright 1.57's {@code routeWebSocket} fails on a socket
 * closed without a code). A page may make at most {@code render.maxRequests} requests (the rest are aborted):
 * that, the page holding its host's politeness slot while it renders, and each connection to
 * another host holding one of that host's slots (the {@link GuardProxy}), is what bounds what a
 * page costs the sites it loads from. Whatever gets past this (redirect hops, which Playwright does
 * not route; preconnects) still meets the {@link GuardProxy}, Chromium's only way out.
 */
final class PageRender {
  /** How long to wait, after the load event, for scripts' requests to settle. */
  private static final int SETTLE_MS = 2_000;
  private final Browser browser;
  private final RenderSettings settings;
  private final PageNetwork network;
  private final GuardProxy proxy;
  private int requests;
  private int aborted;
  private String refused;

  PageRender(Browser browser, RenderSettings settings, PageNetwork network, GuardProxy proxy) {
    this.browser = browser;
    this.settings = settings;
    this.network = network;
    this.proxy = proxy;
  }

  Rendered render(String url, String userAgent, boolean screenshot, int timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    // the context's own credentials for the guard proxy tell its connections apart, so each is held to this page's job
    GuardProxy.Pass pass = proxy.open(network);
    BrowserContext context;
    try {
      context = browser.newContext(new Browser.NewContextOptions().setUserAgent(userAgent)
          .setServiceWorkers(ServiceWorkerPolicy.BLOCK).setAcceptDownloads(false).setViewportSize(1280, 800)
          .setProxy(new Proxy("http://127.0.0.1:" + proxy.port()).setBypass("<-loopback>")
              .setUsername(pass.user()).setPassword(pass.password())));
    } catch (RuntimeException e) {
      proxy.close(pass);
      throw e;
    }
    try {
      context.setDefaultTimeout(timeoutMs);
      context.route("**/*", route -> {
        Request request = route.request();
        requests++;
        String reason = requests > settings.maxRequests()
            ? "more than render.maxRequests (" + settings.maxRequests() + ") requests" : refusal(request.url());
        if (reason == null) {
          route.resume();
          return;
        }
        aborted++;
        if (refused == null && mainDocument(request)) {
          refused = reason;
        }
        route.abort("blockedbyclient");
      });
      Page page = context.newPage();
      Protocols protocols = Protocols.watch(context, page);
      Response main = navigate(page, url, timeoutMs);
      if (refused == null && main != null && main.headerValue(GuardProxy.REFUSED) != null) {
        refused = main.headerValue(GuardProxy.REFUSED); // a redirect hop the proxy refused
      }
      if (refused != null || main == null) {
        return Rendered.refused(url, refused != null ? refused : "no response", requests, aborted);
      }
      String type = main.headerValue("content-type");
      boolean markup = type == null || type.toLowerCase(Locale.ROOT).contains("html");
      byte[] body;
      if (markup) {
        settle(page, deadline);
        body = ((String) page.evaluate("() => document.documentElement ? document.documentElement.outerHTML : ''"))
            .getBytes(StandardCharsets.UTF_8);
      } else {
        // an image or a text file has no DOM of its own worth keeping (Chromium wraps it in one): keep its bytes
        body = main.body();
      }
      // the viewport only (1280 x 800), not the full page: a bounded PNG, whatever the page's length
      byte[] png = screenshot ? page.screenshot(new Page.ScreenshotOptions().setTimeout(remaining(deadline))) : null;
      int redirects = 0;
      for (Request r = main.request().redirectedFrom(); r != null; r = r.redirectedFrom()) {
        redirects++;
      }
      return new Rendered(main.url(), main.status(), main.statusText(), main.allHeaders(), main.request().allHeaders(),
          body, markup, png, redirects, requests, aborted, null, protocols.of(main.url()));
    } catch (TimeoutError e) {
      throw new RenderFailure("the page was not rendered within " + timeoutMs + " ms (render.timeoutMs)", true);
    } catch (PlaywrightException e) {
      throw new RenderFailure("Chromium: " + ChromiumPool.firstLine(e.getMessage()), false);
    } finally {
      try {
        context.close();
      } catch (RuntimeException ignored) {
        // the browser is gone (the pool starts a new one for the next page), or Playwright tripped on an event
      }
      proxy.close(pass);
    }
  }

  /** The main document's response; null (with {@link #refused} set) when the guard aborted it. */
  private Response navigate(Page page, String url, int timeoutMs) {
    try {
      return page.navigate(url, new Page.NavigateOptions().setTimeout(timeoutMs).setWaitUntil(WaitUntilState.LOAD));
    } catch (TimeoutError e) {
      throw e;
    } catch (PlaywrightException e) {
      if (refused != null) {
        return null;
      }
      throw e;
    }
  }

  /** Whether {@code request} is the page's own document (or a redirect of it), not a frame's or a subresource. */
  private static boolean mainDocument(Request request) {
    try {
      return request.isNavigationRequest() && request.frame().parentFrame() == null;
    } catch (PlaywrightException e) {
      return false; // a request without a frame (a worker's) is never the page itself
    }
  }

  /**
   * Why the browser must not ask for {@code url}: not http(s) or ws(s), or the guard refuses its
   * host. The proxy judges every connection anyway; judging here too aborts the request before
   * Chromium opens anything, and names the reason when it is the page itself.
   */
  private String refusal(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      return "not a URL: " + url;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!Set.of("http", "https", "ws", "wss").contains(scheme) || uri.getHost() == null) {
      return "only http(s) and ws(s) URLs with a host are requested: " + url;
    }
    String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
        : uri.getHost();
    try {
      network.address(host).toCompletionStage().toCompletableFuture().get(settings.timeoutMs(), TimeUnit.MILLISECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause().getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } catch (TimeoutException e) {
      return "no DNS answer for " + host + " in time";
    }
  }

  /** Gives scripts up to {@link #SETTLE_MS} (within the deadline) to finish their requests. */
  private static void settle(Page page, long deadline) {
    int wait = Math.min(SETTLE_MS, remaining(deadline));
    if (wait <= 0) {
      return;
    }
    try {
      page.waitForLoadState(LoadState.NETWORKIDLE, new Page.WaitForLoadStateOptions().setTimeout(wait));
    } catch (TimeoutError e) {
      // still busy (polling, long requests): the DOM as it is now is the page
    }
  }

  private static int remaining(long deadline) {
    return (int) Math.max(1, deadline - System.currentTimeMillis());
  }
}
