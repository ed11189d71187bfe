package dev.fetchbus.cli;

/**
 * A failure the user can act on (bad input, server unreachable, key refused, job cancelled): Main
 * prints its message alone, without a stack trace, and exits with {@link #exitCode}.
 */
public final class CliException extends RuntimeException {
  /** Errors: bad arguments, an unreachable server, a job failed or cancelled by someone else. */
  public static final int ERROR = 1;
  /** The job ended and some of its URLs have a record with an error. */
  public static final int SOME_FAILED = 2;
  /** Interrupted (Ctrl-C, SIGTERM): what the shell reports for SIGINT, 128 + 2. */
  public static final int INTERRUPTED = 130;

  private final int exitCode;

  public CliException(String message) {
    this(message, ERROR);
  }

  public CliException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
