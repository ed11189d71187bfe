package dev.fetchbus.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.GZIPOutputStream;

/**
 * A deterministic site of {@code pages} pages on loopback, for crawl tests. Page {@code /p/i} links to
 * its children {@code 2i+1} and {@code 2i+2} (a tree), back to its parent and the root (cycles),
 * to a child again under another spelling (dot segment, upper-case scheme, a fragment), to
 * {@code /nofollow/i} with rel=nofollow, to {@code /private/i} every 100th page (disallowed by
 * robots.txt), to {@code /missing/i} every 50th (404), to {@code /moved/i} every 70th (301 to
 * {@code /p/i}), and off-site. robots.txt names a sitemap index, whose one gzip sitemap lists
 * {@code /orphan/k} pages that nothing links to.
 *
 * <p>{@link #expectedUrls} is the set a correct crawl records, computed from the same rules.
 */
public final class GeneratedSite implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final int pages;
  private final int orphans;
  private final Map<String, LongAdder> hits = new ConcurrentHashMap<>();
  private final HttpServer server;
  private final byte[] sitemap;

  public GeneratedSite(int pages, int orphans) {
    this.pages = pages;
    this.orphans = orphans;
    this.server = TestNode.await(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
    this.sitemap = gzip(sitemapXml());
  }

  public String base() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public long hits(String path) {
    LongAdder count = hits.get(path);
    return count == null ? 0 : count.sum();
  }

  public long hitsUnder(String prefix) {
    return hits.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(e -> e.getValue().sum()).sum();
  }

  public Map<String, LongAdder> allHits() {
    return hits;
  }

  /** Every URL a crawl from {@code /p/0} records, with sitemaps on or off (sitemap files included). */
  public Set<String> expectedUrls(boolean sitemaps) {
    Set<String> urls = new LinkedHashSet<>();
    for (int i = 0; i < pages; i++) {
      urls.add(base() + "/p/" + i);
      if (i % 100 == 0) {
        urls.add(base() + "/private/" + i);
      }
      if (i % 50 == 0) {
        urls.add(base() + "/missing/" + i);
      }
      if (i % 70 == 0) {
        urls.add(base() + "/moved/" + i);
      }
    }
    if (sitemaps) {
      urls.add(base() + "/sitemap.xml");
      urls.add(base() + "/sitemap-1.xml.gz");
      for (int k = 0; k < orphans; k++) {
        urls.add(base() + "/orphan/" + k);
      }
    }
    return urls;
  }

  @Override
  public void close() {
    TestNode.await(vertx.close());
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    hits.computeIfAbsent(path, p -> new LongAdder()).increment();
    String[] parts = path.split("/");
    String section = parts.length > 1 ? parts[1] : "";
    int n = parts.length > 2 && parts[2].matches("\\d+") ? Integer.parseInt(parts[2]) : -1;
    switch (section) {
      case "robots.txt" -> req.response().putHeader("Content-Type", "text/plain")
          .end("User-agent: *\nDisallow: /private/\n\nSitemap: " + base() + "/sitemap.xml\n");
      case "sitemap.xml" -> req.response().putHeader("Content-Type", "application/xml").end(sitemapIndex());
      case "sitemap-1.xml.gz" -> req.response().putHeader("Content-Type", "application/gzip")
          .end(Buffer.buffer(sitemap));
      case "p" -> page(req, n);
      case "orphan", "private", "nofollow" -> html(req, 200, section + " " + n, "<a href=\"/p/0\">home</a>");
      case "moved" -> req.response().setStatusCode(301).putHeader("Location", "/p/" + n).end();
      default -> html(req, 404, "missing", "");
    }
  }

  private void page(HttpServerRequest req, int i) {
    if (i < 0 || i >= pages) {
      html(req, 404, "missing", "");
      return;
    }
    StringBuilder body = new StringBuilder();
    link(body, "/p/0");
    link(body, "/p/" + Math.max(0, (i - 1) / 2));
    for (int child : new int[] {2 * i + 1, 2 * i + 2}) {
      if (child < pages) {
        link(body, "/p/" + child);
        link(body, "/p/./" + child + "#section");
        link(body, "HTTP://127.0.0.1:" + server.actualPort() + "/p/" + child);
      }
    }
    body.append("<a rel=\"nofollow\" href=\"/nofollow/").append(i).append("\">nf</a>");
    if (i % 100 == 0) {
      link(body, "/private/" + i);
    }
    if (i % 50 == 0) {
      link(body, "/missing/" + i);
    }
    if (i % 70 == 0) {
      link(body, "/moved/" + i);
    }
    link(body, "http://elsewhere.invalid/away");
    html(req, 200, "Page " + i, body.toString());
  }

  private static void link(StringBuilder body, String href) {
    body.append("<a href=\"").append(href).append("\">x</a> ");
  }

  private static void html(HttpServerRequest req, int status, String title, String body) {
    req.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
        .end("<html><head><title>" + title + "</title></head><body>" + body + "</body></html>");
  }

  private String sitemapIndex() {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
        + "<sitemap><loc>" + base() + "/sitemap-1.xml.gz</loc></sitemap></sitemapindex>";
  }

  private String sitemapXml() {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">");
    for (int k = 0; k < orphans; k++) {
      xml.append("<url><loc>").append(base()).append("/orphan/").append(k).append("</loc></url>");
    }
    return xml.append("</urlset>").toString();
  }

  private static byte[] gzip(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return bytes.toByteArray();
  }
}
