package dev.fetchbus.cli;

import picocli.CommandLine.Option;

/** How progress is shown on standard error. */
final class ProgressOptions {
  @Option(names = "--progress", paramLabel = "TYPE", defaultValue = "auto",
      description =
          "bar, lines, none, or auto: a bar on a terminal, plain lines otherwise (default: ${DEFAULT-VALUE}).")
  String mode = "auto";

  @Option(names = "--progress-interval", paramLabel = "SECONDS", defaultValue = "5",
      description = "Seconds between plain progress lines (default: ${DEFAULT-VALUE}).")
  int lineSeconds = 5;

  @Option(names = {"-q", "--quiet"}, description = "No progress and no summary; errors only.")
  boolean quiet;

  ProgressView view(String label) {
    return quiet ? ProgressView.NONE : ProgressView.choose(mode, label, lineSeconds);
  }

  /** A message for the user on standard error, unless --quiet. */
  void say(String message) {
    if (!quiet) {
      System.err.println("fetchbus: " + message);
      System.err.flush();
    }
  }
}
