package dev.fetchbus.content;

import java.util.List;

/**
 * What reading an HTML page found: its title, description, canonical URL and language, and its
 * links (the count, and the resolved, normalised URLs when they were kept). Every field is null
 * for bodies that are not HTML or were not parsed.
 */
public record PageFacts(String title, String description, String canonical, String lang, Integer links,
    List<String> outlinks) {
  public static final PageFacts NONE = new PageFacts(null, null, null, null, null, List.of());

  /** The same facts without the link list: for records that keep only the count. */
  public PageFacts withoutOutlinks() {
    return new PageFacts(title, description, canonical, lang, links, List.of());
  }

  /** The links as the database keeps them: one URL a line, or null when none were kept. */
  public String outlinksText() {
    return outlinks == null || outlinks.isEmpty() ? null : String.join("\n", outlinks);
  }

  public static List<String> outlinksFrom(String text) {
    return text == null || text.isEmpty() ? List.of() : List.of(text.split("\n"));
  }
}
