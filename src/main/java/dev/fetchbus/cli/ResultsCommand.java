package dev.fetchbus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code fetchbus results JOB -o FILE}: a job's records (or its WARC) from a service. */
@Command(name = "results", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = "Write a job's records (GET /v1/jobs/{id}/results), or its WARC file with --warc, as they "
        + "stand now: a running job's are the records so far.")
final class ResultsCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "JOB", description = "The job's id.")
  long job;

  @ArgGroup(validate = false, heading = "%nOutput:%n")
  OutputOptions output = new OutputOptions();

  @ArgGroup(validate = false, heading = "%nService:%n")
  ServerOptions server = new ServerOptions();

  @Override
  public Integer call() throws InterruptedException {
    ServiceClient client = server.client();
    for (JobRun.Download download : output.downloads()) {
      download.target().write(client.stream(download.path(job)));
    }
    return 0;
  }
}
