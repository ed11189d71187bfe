package dev.fetchbus.content;

import java.util.List;

/**
 * What reading an HTML page found: its title, description, canonical URL and language, its links
 * (the count, and the resolved, normalised URLs when they were kept) and its requisites (the
 * embedded resources a browser would load: images, scripts, style sheets, media). Every field is
 * null or empty for bodies that are not HTML or were not parsed.
 */
public record PageFacts(String title, String description, String canonical, String lang, Integer links,
    List<String> outlinks, List<String> requisites) {
  public static final PageFacts NONE = new PageFacts(null, null, null, null, null, List.of(), List.of());

  /** The facts of a page whose URL lists are not known (a sitemap: only how many entries it had). */
  public static PageFacts counted(int links) {
    return new PageFacts(null, null, null, null, links, List.of(), List.of());
  }

  /** The same facts without the URL lists: for records that keep only the count. */
  public PageFacts withoutOutlinks() {
    return new PageFacts(title, description, canonical, lang, links, List.of(), List.of());
  }

  public String requisitesText() {
    return requisites == null || requisites.isEmpty() ? null : String.join("\n", requisites);
  }

  /** The links as the database keeps them: one URL a line, or null when none were kept. */
  public String outlinksText() {
    return outlinks == null || outlinks.isEmpty() ? null : String.join("\n", outlinks);
  }

  public static List<String> outlinksFrom(String text) {
    return text == null || text.isEmpty() ? List.of() : List.of(text.split("\n"));
  }
}
