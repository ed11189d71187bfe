package dev.fetchbus.cli;

/** The help sections fetch and crawl share: what Ctrl-C does, and the exit statuses. */
final class HelpText {
  /** Lines under 78 columns: picocli wraps longer footer lines at the terminal's edge. */
  static final String FOOTER = """
      %nInterrupting and resuming:
        Ctrl-C (or SIGTERM) stops the run cleanly, with exit status 130. No
        output file is half-written: outputs are written when the job has ended,
        to a temporary file then renamed. The job stays unfinished: an embedded
        node gives back its leases and stops, keeping the job in its data
        directory; a service (--server) goes on fetching it. Run the same
        command again with --resume (and the same --data, or the same --server
        and --key) to finish that job: every URL is in the output exactly once.
        Without --data, the temporary directory is kept after Ctrl-C, and the
        message names it for --data.
      %nEnvironment:
        FETCHBUS_SERVER, FETCHBUS_KEY  defaults of --server and --key
        FETCHBUS_*                     the embedded node's settings, as for a
                                       service (docs/configuration.md). Its
                                       network guard refuses loopback and
                                       private addresses unless
                                       FETCHBUS_FETCH_ALLOW_NETWORKS allows
                                       them (e.g. 127.0.0.0/8).
      %nExit status:
        0    every URL was fetched without error
        1    an error: bad arguments, the service unreachable or refusing the
             key, the job cancelled by someone else
        2    the job ended, and some URLs have a record with an error (its
             "error" field: a non-2xx status, a timeout, a refused connection)
        130  interrupted (Ctrl-C); finish the job with --resume
      """;

  private HelpText() {}
}
