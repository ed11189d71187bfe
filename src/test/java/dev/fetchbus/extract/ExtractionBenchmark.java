package dev.fetchbus.extract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;
import org.jsoup.parser.StreamParser;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Extraction cost per page on real sites (docs/benchmarks.md, "Page processing"): jsoup's DOM (what
 * fetchbus did), jsoup's StreamParser, and fetchbus's byte scanner, over every HTML file of
 * {@code bench.dirs} (default: the PostgreSQL manual and the libstdc++ reference from Debian's
 * packages). Also counts pages whose links differ from jsoup's DOM. Asserts nothing about time;
 * excluded from the suite (tag "bench"): scripts/bench-jvm ExtractionBenchmark.
 */
@Tag("bench")
@DisplayName("Extraction benchmark")
class ExtractionBenchmark {
  private static final String DIRS = System.getProperty("bench.dirs",
      "/usr/share/doc/postgresql-doc-15/html,/usr/share/doc/libstdc++-12-doc/libstdc++/user");
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
  /**
   * Which ways besides fetchbus's extraction: dom, streamparser, scan-only (the scanner with a
   * handler that only counts tags: the tokenizer's share). Run under the node's compiler with
   * {@code -DargLine=-XX:TieredStopAtLevel=1}.
   */
  private static final String WAYS = System.getProperty("bench.ways", "dom,streamparser,scan-only");

  private record Page(String url, byte[] body) {}

  @Test
  @DisplayName("DOM, StreamParser and the scanner on real pages")
  void compare() {
    for (String dir : DIRS.split(",")) {
      List<Page> pages = pages(Path.of(dir));
      System.out.printf("BENCH extraction dir=%s pages=%d meanBytes=%d%n", dir, pages.size(),
          pages.stream().mapToLong(p -> p.body().length).sum() / Math.max(1, pages.size()));
      agreement(pages);
      for (int warm = 0; warm < 3; warm++) {
        boolean print = warm == 2;
        if (WAYS.contains("dom")) {
          time(pages, "dom", p -> JsoupOracle.outlinks(p.body(), "text/html", p.url()).size(), print);
        }
        if (WAYS.contains("streamparser")) {
          time(pages, "streamparser", ExtractionBenchmark::streamParser, print);
        }
        if (WAYS.contains("scan-only")) {
          time(pages, "scan-only", ExtractionBenchmark::scanOnly, print);
        }
        time(pages, "scanner", p -> PageExtractor.facts(p.body(), "text/html", p.url()).links(), print);
      }
    }
  }

  /** The tokenizer alone: start tags PageExtractor asks for, counted, nothing resolved. */
  private static int scanOnly(Page page) {
    int[] tags = {0};
    new HtmlScanner(page.body(), StandardCharsets.UTF_8, PageCollector.TAGS, new HtmlScanner.Handler() {
      @Override
      public void startTag(HtmlScanner.Tag tag) {
        tags[0]++;
      }

      @Override
      public void title(String text) {}
    }).scan(page.body().length);
    return tags[0];
  }

  /** Links from jsoup's StreamParser: elements as they close, the tree pruned as it goes. */
  private static int streamParser(Page page) {
    Set<String> links = new HashSet<>();
    try (StreamParser parser = new StreamParser(Parser.htmlParser())
        .parse(new String(page.body(), StandardCharsets.UTF_8), page.url())) {
      for (Element e : (Iterable<Element>) parser.stream()::iterator) {
        if ((e.nameIs("a") || e.nameIs("area")) && e.hasAttr("href")) {
          String url = LinkResolver.normalised(e.absUrl("href"));
          if (url != null) {
            links.add(url);
          }
        }
        e.remove();
      }
    }
    return links.size();
  }

  private static void agreement(List<Page> pages) {
    int differ = 0;
    String example = null;
    for (Page p : pages) {
      Set<String> dom = JsoupOracle.outlinks(p.body(), "text/html", p.url());
      Set<String> scanned = new HashSet<>(PageExtractor.facts(p.body(), "text/html", p.url()).outlinks());
      if (!dom.equals(scanned)) {
        differ++;
        if (example == null) {
          Set<String> onlyDom = new HashSet<>(dom);
          onlyDom.removeAll(scanned);
          Set<String> onlyScan = new HashSet<>(scanned);
          onlyScan.removeAll(dom);
          example = p.url() + " dom-only=" + onlyDom + " scanner-only=" + onlyScan;
        }
      }
    }
    System.out.printf("BENCH extraction agreement pagesWithDifferentLinks=%d of %d%s%n", differ, pages.size(),
        example == null ? "" : " first: " + example);
  }

  private static void time(List<Page> pages, String name, ToIntFunction<Page> extract,
      boolean print) {
    long best = Long.MAX_VALUE;
    long links = 0;
    for (int r = 0; r < ROUNDS; r++) {
      long start = System.nanoTime();
      links = 0;
      for (Page p : pages) {
        links += extract.applyAsInt(p);
      }
      best = Math.min(best, System.nanoTime() - start);
    }
    if (print) {
      System.out.printf("BENCH extraction way=%s usPerPage=%.1f links=%d%n", name, best / 1000.0 / pages.size(), links);
    }
  }

  private static List<Page> pages(Path dir) {
    List<Page> pages = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      files.filter(f -> f.toString().endsWith(".html")).sorted().forEach(f -> {
        try {
          pages.add(new Page("http://127.0.0.1:18081/" + dir.relativize(f), Files.readAllBytes(f)));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pages;
  }
}
