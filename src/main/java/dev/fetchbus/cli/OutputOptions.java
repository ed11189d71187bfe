package dev.fetchbus.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** What a fetch or crawl writes when its job has ended, and where. */
final class OutputOptions {
  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Write the job's records to FILE; - for standard output (the default, unless only --warc is "
          + "given). Written when the job ends, to a temporary file renamed to FILE: never half-written.")
  String output;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "ndjson",
      description = "ndjson (one JSON record per line) or csv (default: ${DEFAULT-VALUE}).")
  String format = "ndjson";

  @Option(names = "--fields", paramLabel = "LIST", split = ",",
      description = "Add these to each NDJSON record: html, text, markdown, outlinks, headers.")
  List<String> fields;

  @Option(names = "--warc", paramLabel = "FILE",
      description = "Also write the job as a WARC/1.1 file (gzip per record), e.g. site.warc.gz.")
  String warc;

  /** Checks the outputs before anything runs, and answers them as downloads of the job. */
  List<JobRun.Download> downloads() {
    if (!"ndjson".equals(format) && !"csv".equals(format)) {
      throw new CliException("--format must be ndjson or csv, not '" + format + "'");
    }
    if (fields != null && "csv".equals(format)) {
      throw new CliException("--fields applies to NDJSON only");
    }
    List<JobRun.Download> downloads = new ArrayList<>();
    if (output != null || warc == null) {
      downloads.add(new JobRun.Download(resultsQuery(), OutputFile.of(output == null ? "-" : output)));
    }
    if (warc != null) {
      downloads.add(new JobRun.Download("/warc", OutputFile.of(warc)));
    }
    if (downloads.stream().filter(d -> d.target().toStdout()).count() > 1) {
      throw new CliException("Only one output can go to standard output");
    }
    return downloads;
  }

  private String resultsQuery() {
    StringBuilder query = new StringBuilder("/results?format=").append(format);
    if (fields != null && !fields.isEmpty()) {
      query.append("&fields=").append(URLEncoder.encode(String.join(",", fields), StandardCharsets.UTF_8));
    }
    return query.toString();
  }
}
