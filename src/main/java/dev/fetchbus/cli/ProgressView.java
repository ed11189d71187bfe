package dev.fetchbus.cli;

/** How a run shows its job's progress on standard error: a bar, plain lines, or nothing. */
interface ProgressView extends AutoCloseable {
  void update(JobProgress progress);

  /** The last state is shown; a bar ends its line. */
  @Override
  void close();

  /** A view that shows nothing ({@code --progress=none}, {@code -q}). */
  ProgressView NONE = new ProgressView() {
    @Override
    public void update(JobProgress progress) {}

    @Override
    public void close() {}
  };

  /**
   * {@code auto} is a bar when standard error is a terminal and plain lines otherwise (a log file, a
   * pipe, CI), where a bar's carriage returns would pile up.
   */
  static ProgressView choose(String mode, String label, int lineSeconds) {
    String chosen = "auto".equals(mode) ? (Terminals.stderrIsTerminal() ? "bar" : "lines") : mode;
    return switch (chosen) {
      case "bar" -> new BarProgress(label);
      case "lines" -> new LineProgress(label, lineSeconds, System.err);
      case "none" -> NONE;
      default -> throw new CliException("--progress must be auto, bar, lines or none, not '" + mode + "'");
    };
  }
}
