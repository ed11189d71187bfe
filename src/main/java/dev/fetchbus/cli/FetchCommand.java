package dev.fetchbus.cli;

import java.io.FileNotFoundException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code fetchbus fetch urls.txt -o results.ndjson}: a URL list fetched as one job. */
@Command(name = "fetch", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {"Fetch every URL of a list and write one record per URL (NDJSON by default).",
        "The list has one URL per line (blank lines and # comments are skipped); - reads it from "
            + "standard input. URLs are normalised and deduplicated. Progress goes to standard error."},
    footer = HelpText.FOOTER)
final class FetchCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "The URL list, or - for standard input.")
  String input;

  @ArgGroup(validate = false, heading = "%nOutput:%n", order = 1)
  OutputOptions output = new OutputOptions();

  @ArgGroup(validate = false, heading = "%nService (default: an embedded node for this run):%n", order = 2)
  ServerOptions server = new ServerOptions();

  @ArgGroup(validate = false, heading = "%nState and resuming:%n", order = 3)
  RunOptions run = new RunOptions();

  @ArgGroup(validate = false, heading = "%nFetching and politeness:%n", order = 4)
  JobOptionsGroup job = new JobOptionsGroup();

  @ArgGroup(validate = false, heading = "%nProgress:%n", order = 5)
  ProgressOptions progress = new ProgressOptions();

  @Override
  public Integer call() {
    var downloads = output.downloads();
    HttpRequest.BodyPublisher urls = run.resume ? null : urlList();
    Map<String, String> query = job.asQuery();
    return new JobRun("fetch", server, run, progress).execute(
        client -> client.post("v1/jobs" + queryString(query), "text/plain", urls), downloads);
  }

  /** The list, streamed as it is sent: a file or standard input, never read whole into memory. */
  private HttpRequest.BodyPublisher urlList() {
    if (input == null) {
      throw new CliException("Give the URL list: a FILE, or - for standard input");
    }
    if ("-".equals(input)) {
      return HttpRequest.BodyPublishers.ofInputStream(() -> System.in);
    }
    Path file = Path.of(input);
    if (!Files.isReadable(file) || Files.isDirectory(file)) {
      throw new CliException("Cannot read the URL list " + input);
    }
    try {
      return HttpRequest.BodyPublishers.ofFile(file);
    } catch (FileNotFoundException e) {
      throw new CliException("Cannot read the URL list " + input);
    }
  }

  private static String queryString(Map<String, String> query) {
    if (query.isEmpty()) {
      return "";
    }
    return query.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&", "?", ""));
  }
}
