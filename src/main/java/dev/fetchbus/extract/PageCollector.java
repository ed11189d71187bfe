package dev.fetchbus.extract;

import dev.fetchbus.content.PageFacts;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Collects a page's facts from the scanner's start tags, in document order: links (a and area
 * hrefs, frames and iframes, a meta refresh target, the canonical link), requisites (the resources
 * a browser loads to show the page: images and srcset candidates, scripts, style sheets and icons,
 * audio and video sources and posters, embeds and objects), {@code <base href>}, title,
 * description and language. References are resolved at the end, once the base is known, because
 * {@code <base href>} applies to the whole document.
 */
final class PageCollector implements HtmlScanner.Handler {
  static final TagNames TAGS = new TagNames("a", "area", "frame", "iframe", "base", "meta", "link", "html", "img",
      "script", "source", "video", "audio", "track", "embed", "object", "input");
  /** HTML's ASCII whitespace, compiled once (String.split would compile it for every tag). */
  private static final Pattern SPACES = Pattern.compile("[ \\t\\n\\f\\r]+");
  private static final Pattern REFRESH_URL = Pattern.compile("(?i)^\\s*\\d*\\s*[;,]\\s*url\\s*=\\s*['\"]?([^'\"]+)");
  private static final Set<String> REQUISITE_RELS = Set.of("stylesheet", "icon", "apple-touch-icon", "preload",
      "modulepreload");
  private static final int MAX_TITLE = 1000;
  private static final int MAX_DESCRIPTION = 2000;
  private static final int MAX_REQUISITES = 1000;

  private final List<String> links = new ArrayList<>();
  private final List<String> requisites = new ArrayList<>();
  private String baseHref;
  private String canonical;
  private String title;
  private String description;
  private String lang;
  private String contentLanguage;

  @Override
  public void startTag(HtmlScanner.Tag tag) {
    switch (tag.name()) {
      case "a", "area" -> anchor(tag);
      case "frame", "iframe" -> add(links, tag.attr("src"));
      case "base" -> baseHref = baseHref != null ? baseHref : tag.attr("href");
      case "meta" -> meta(tag);
      case "link" -> link(tag);
      case "html" -> lang = lang != null ? lang : tag.attr("lang");
      case "img", "source" -> {
        add(requisites, tag.attr("src"));
        srcset(tag.attr("srcset"));
      }
      case "video" -> {
        add(requisites, tag.attr("src"));
        add(requisites, tag.attr("poster"));
      }
      case "object" -> add(requisites, tag.attr("data"));
      case "input" -> {
        if ("image".equalsIgnoreCase(tag.attr("type"))) {
          add(requisites, tag.attr("src"));
        }
      }
      default -> add(requisites, tag.attr("src")); // script, audio, track, embed
    }
  }

  @Override
  public void title(String text) {
    title = text;
  }

  private void anchor(HtmlScanner.Tag tag) {
    String href = tag.attr("href");
    if (href == null || LinkResolver.clean(href).startsWith("#")) {
      return; // same-document links name no other page
    }
    String rel = tag.attr("rel");
    if (rel == null || !rel.toLowerCase(Locale.ROOT).contains("nofollow")) {
      links.add(href);
    }
  }

  private void meta(HtmlScanner.Tag tag) {
    String httpEquiv = tag.attr("http-equiv");
    String content = tag.attr("content");
    if (content == null) {
      return;
    }
    if (httpEquiv != null && httpEquiv.equalsIgnoreCase("refresh")) {
      Matcher m = REFRESH_URL.matcher(content);
      if (m.find()) {
        links.add(m.group(1).strip());
      }
    } else if (httpEquiv != null && httpEquiv.equalsIgnoreCase("content-language")) {
      contentLanguage = contentLanguage != null ? contentLanguage : content;
    } else if (description == null && "description".equalsIgnoreCase(tag.attr("name"))) {
      description = content;
    }
  }

  private void link(HtmlScanner.Tag tag) {
    String rel = tag.attr("rel");
    String href = tag.attr("href");
    if (rel == null || href == null) {
      return;
    }
    for (String token : SPACES.split(rel.toLowerCase(Locale.ROOT))) {
      if (token.equals("canonical") && canonical == null) {
        canonical = href;
      } else if (REQUISITE_RELS.contains(token) || (token.equals("shortcut") && rel.toLowerCase(Locale.ROOT)
          .contains("icon"))) {
        add(requisites, href);
        return;
      }
    }
  }

  private void srcset(String srcset) {
    if (srcset == null) {
      return;
    }
    for (String candidate : srcset.split(",")) {
      String url = SPACES.split(candidate.strip(), 2)[0];
      add(requisites, url);
    }
  }

  private static void add(List<String> to, String reference) {
    if (reference != null && !reference.isBlank()) {
      to.add(reference);
    }
  }

  /** The facts, with every reference resolved against the page (or its {@code <base href>}) and normalised. */
  PageFacts facts(String pageUrl) {
    LinkResolver resolver = LinkResolver.of(pageUrl, baseHref);
    String canonicalUrl = resolver.resolve(canonical);
    Set<String> outlinks = new LinkedHashSet<>();
    for (String link : links) {
      addResolved(outlinks, resolver.resolve(link));
    }
    addResolved(outlinks, canonicalUrl);
    Set<String> needed = new LinkedHashSet<>();
    for (int i = 0; i < requisites.size() && needed.size() < MAX_REQUISITES; i++) {
      addResolved(needed, resolver.resolve(requisites.get(i)));
    }
    String language = lang != null && !lang.isBlank() ? lang : contentLanguage;
    return new PageFacts(capped(title == null ? null : collapse(title), MAX_TITLE),
        capped(description, MAX_DESCRIPTION),
        canonicalUrl, capped(language, 64), outlinks.size(), List.copyOf(outlinks), List.copyOf(needed));
  }

  private static void addResolved(Set<String> to, String url) {
    if (url != null) {
      to.add(url);
    }
  }

  /** White space runs become one space, as a browser shows a title. */
  private static String collapse(String text) {
    StringBuilder out = new StringBuilder(text.length());
    boolean space = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u00a0') {
        space = true;
      } else {
        if (space && out.length() > 0) {
          out.append(' ');
        }
        space = false;
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String capped(String text, int max) {
    if (text == null) {
      return null;
    }
    String stripped = text.strip();
    if (stripped.length() > max) {
      stripped = stripped.substring(0, max);
    }
    return stripped.isEmpty() ? null : stripped;
  }
}
