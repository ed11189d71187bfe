package dev.fetchbus.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fetchbus crawl https://site/ --max-pages 10000 -o site.ndjson}: a crawl job from seeds. */
@Command(name = "crawl", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {"Crawl from the seed URLs, following links within the scope and limits, and write one record "
        + "per page (NDJSON by default), and with --warc the pages as a WARC file.",
        "Progress goes to standard error; the total grows as links are found."},
    footer = HelpText.FOOTER)
final class CrawlCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "URL", description = "Seed URLs (at least one, unless --resume).")
  List<String> seeds;

  @ArgGroup(validate = false, heading = "%nOutput:%n", order = 1)
  OutputOptions output = new OutputOptions();

  @ArgGroup(validate = false, heading = "%nCrawl scope and limits:%n", order = 2)
  Scope scope = new Scope();

  @ArgGroup(validate = false, heading = "%nService (default: an embedded node for this run):%n", order = 3)
  ServerOptions server = new ServerOptions();

  @ArgGroup(validate = false, heading = "%nState and resuming:%n", order = 4)
  RunOptions run = new RunOptions();

  @ArgGroup(validate = false, heading = "%nFetching and politeness:%n", order = 5)
  JobOptionsGroup job = new JobOptionsGroup();

  @ArgGroup(validate = false, heading = "%nProgress:%n", order = 6)
  ProgressOptions progress = new ProgressOptions();

  /** The crawl's plan: the API's {@code scope}, {@code limits}, {@code sitemaps} and {@code requisites}. */
  static final class Scope {
    @Option(names = "--max-pages", paramLabel = "N", description = "Record at most N pages (exact; default: no limit).")
    Integer maxPages;

    @Option(names = {"-l", "--max-depth"}, paramLabel = "N",
        description = "Follow links at most N deep from a seed (default: no limit).")
    Integer maxDepth;

    @Option(names = "--max-duration", paramLabel = "SECONDS",
        description = "Stop the crawl after this long (default: no limit).")
    Integer maxDurationSeconds;

    @Option(names = "--scope", paramLabel = "MODE", defaultValue = "host",
        description = "host (the seeds' hosts), domain (their registered domains) or prefix (URLs under --prefix, "
            + "by default the seeds) (default: ${DEFAULT-VALUE}).")
    String mode = "host";

    @Option(names = "--prefix", paramLabel = "URL",
        description = "With --scope prefix: a URL prefix to stay under (repeatable).")
    List<String> prefixes;

    @Option(names = "--include", paramLabel = "REGEX",
        description = "Follow only URLs matching one of these (RE2; repeatable).")
    List<String> include;

    @Option(names = "--exclude", paramLabel = "REGEX",
        description = "Never follow URLs matching one of these (RE2; repeatable).")
    List<String> exclude;

    @Option(names = "--sitemaps", description = "Also crawl the URLs of the sites' sitemaps (from robots.txt).")
    boolean sitemaps;

    @Option(names = {"-p", "--requisites"}, description = "Also fetch what each page needs to show (images, "
        + "scripts, style sheets), from any host, as wget -p does.")
    boolean requisites;

    JsonObject plan(List<String> seeds, JsonObject options) {
      JsonObject scopeJson = new JsonObject().put("mode", mode);
      putList(scopeJson, "prefixes", prefixes);
      putList(scopeJson, "include", include);
      putList(scopeJson, "exclude", exclude);
      JsonObject limits = new JsonObject();
      putIfSet(limits, "maxPages", maxPages);
      putIfSet(limits, "maxDepth", maxDepth);
      putIfSet(limits, "maxDurationSeconds", maxDurationSeconds);
      return new JsonObject().put("kind", "crawl").put("seeds", new JsonArray(seeds)).put("scope", scopeJson)
          .put("limits", limits).put("sitemaps", sitemaps).put("requisites", requisites).put("options", options);
    }

    private static void putList(JsonObject json, String key, List<String> values) {
      if (values != null && !values.isEmpty()) {
        json.put(key, new JsonArray(values));
      }
    }

    private static void putIfSet(JsonObject json, String key, Integer value) {
      if (value != null) {
        json.put(key, value);
      }
    }
  }

  @Override
  public Integer call() {
    var downloads = output.downloads();
    if (!run.resume && (seeds == null || seeds.isEmpty())) {
      throw new CliException("Give at least one seed URL");
    }
    JsonObject plan = run.resume ? null : scope.plan(seeds, job.asJson());
    return new JobRun("crawl", server, run, progress).execute(client -> client.post("v1/jobs", plan), downloads);
  }
}
