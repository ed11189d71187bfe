package dev.fetchbus.extract;

import crawlercommons.sitemaps.AbstractSiteMap;
import crawlercommons.sitemaps.SiteMap;
import crawlercommons.sitemaps.SiteMapIndex;
import crawlercommons.sitemaps.SiteMapParser;
import crawlercommons.sitemaps.SiteMapURL;
import crawlercommons.sitemaps.UnknownFormatException;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a sitemap (XML, text or RSS/Atom; gzip included) or a sitemap index with crawler-commons.
 * CPU work: call it on a worker thread.
 */
public final class SitemapReader {
  /** A sitemap's page URLs, or an index's child sitemaps. */
  public record Entries(List<String> pages, List<String> sitemaps) {}

  private SitemapReader() {}

  public static Entries read(byte[] body, String contentType, String url) throws IOException {
    SiteMapParser parser = new SiteMapParser(false);
    AbstractSiteMap parsed;
    try {
      parsed = parser.parseSiteMap(typeOf(body, contentType), body, URI.create(url).toURL());
    } catch (UnknownFormatException | MalformedURLException e) {
      throw new IOException("not a sitemap: " + e.getMessage(), e);
    }
    List<String> pages = new ArrayList<>();
    List<String> sitemaps = new ArrayList<>();
    if (parsed.isIndex()) {
      for (AbstractSiteMap child : ((SiteMapIndex) parsed).getSitemaps()) {
        sitemaps.add(child.getUrl().toString());
      }
    } else {
      for (SiteMapURL entry : ((SiteMap) parsed).getSiteMapUrls()) {
        pages.add(entry.getUrl().toString());
      }
    }
    return new Entries(pages, sitemaps);
  }

  /**
   * The type to parse as. A gzip body is gzip whatever the server called it: a {@code .xml.gz} sent
   * with no Content-Type or as {@code text/xml} is common, and crawler-commons trusts the type given.
   */
  private static String typeOf(byte[] body, String contentType) {
    if (body.length >= 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b) {
      return "application/gzip";
    }
    return contentType == null ? "text/xml" : contentType;
  }
}
