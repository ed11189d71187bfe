package dev.fetchbus.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a fetch or crawl keeps its state, and whether it finishes an interrupted job. */
final class RunOptions {
  @Option(names = "--data", paramLabel = "DIR",
      description = "The embedded node's data (PostgreSQL, fetchbus.log) and this run's state file "
          + "(.fetchbus-cli.json). Default: a new temporary directory, deleted when the run ends normally. "
          + "With --server: only the state file (default: the current directory).")
  Path data;

  @Option(names = {"-c", "--resume"},
      description = "Finish the job an interrupted run left (its id is in DIR/.fetchbus-cli.json) instead of "
          + "submitting a new one. The URL list or seeds are not read again.")
  boolean resume;

  @Option(names = "--job", paramLabel = "N",
      description = "With --resume: finish job N (default: the one in the state file).")
  Long job;
}
