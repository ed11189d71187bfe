package dev.fetchbus.cli;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One fetch or crawl from the command line: open the service (or start an embedded node), submit
 * the job or take up the one an interrupted run left, follow it to its end, write the outputs, and
 * answer the exit status. Ctrl-C stops it at any point with the job left unfinished for --resume.
 */
final class JobRun {
  /** Submits the job; answers the API's 201 summary ({"id", "accepted", ...}). */
  interface Submission {
    JsonObject submit(ServiceClient client) throws InterruptedException;
  }

  /** One output of the job: the path under {@code /v1/jobs/{id}} that streams it, and where it goes. */
  record Download(String suffix, OutputFile target) {
    String path(long jobId) {
      return "v1/jobs/" + jobId + suffix;
    }
  }

  private final String label;
  private final ServerOptions server;
  private final RunOptions run;
  private final ProgressOptions progress;

  JobRun(String label, ServerOptions server, RunOptions run, ProgressOptions progress) {
    this.label = label;
    this.server = server;
    this.run = run;
    this.progress = progress;
  }

  int execute(Submission submission, List<Download> downloads) {
    if (run.job != null && !run.resume) {
      throw new CliException("--job N needs --resume");
    }
    Interruption interruption = Interruption.install();
    Session session = null;
    Path embeddedDir = null;
    int status = CliException.ERROR;
    try {
      if (server.url().isPresent()) {
        session = Session.remote(server, run);
      } else {
        embeddedDir = Session.embeddedDir(run);
        progress.say("starting an embedded node in " + embeddedDir + " (log: "
            + embeddedDir.resolve(EmbeddedNode.LOG_FILE) + ")");
        session = Session.embedded(embeddedDir, run.data == null);
      }
      status = runJob(session, submission, downloads, interruption);
      return status;
    } catch (InterruptedException e) {
      status = CliException.INTERRUPTED;
      return status;
    } catch (RuntimeException e) {
      if (!interruption.requested()) {
        throw e; // a real error; an interruption shows up as whatever the closed stream threw
      }
      status = CliException.INTERRUPTED;
      return status;
    } finally {
      finish(session, embeddedDir, status);
      interruption.finished();
    }
  }

  /**
   * Stops an embedded node whatever happened; then a temporary data directory is deleted after a
   * normal end, and kept (and named) after an interruption, for --resume, or an error, for its log.
   */
  private void finish(Session session, Path embeddedDir, int status) {
    if (session != null) {
      session.close();
    }
    if (status == CliException.INTERRUPTED) {
      explainInterruption(session, embeddedDir);
    } else if (session != null && status != CliException.ERROR) {
      session.deleteTemporaryData();
    } else if (embeddedDir != null && run.data == null) {
      System.err.println("fetchbus: the run's data and log are kept in " + embeddedDir);
    }
  }

  private int runJob(Session session, Submission submission, List<Download> downloads, Interruption interruption)
      throws InterruptedException {
    long jobId = jobToFollow(session, submission);
    interruption.check();
    JobProgress end;
    try (ProgressView view = progress.view(label)) {
      end = new JobFollower(session.client(), interruption).follow(jobId, view);
    }
    if ("cancelled".equals(end.state())) {
      CliState.delete(session.stateDir());
      throw new CliException("Job " + jobId + " was cancelled before it ended (" + end.finished() + " of "
          + end.total() + " URLs finished)");
    }
    for (Download download : downloads) {
      copy(session.client(), download.path(jobId), download.target(), interruption);
    }
    CliState.delete(session.stateDir());
    progress.say(String.format("job %d done: %d URLs, %d fetched, %d with errors%s%s", jobId, end.finished(),
        end.done(), end.failed(), took(session.client().get("v1/jobs/" + jobId)), written(downloads)));
    return end.failed() > 0 ? CliException.SOME_FAILED : 0;
  }

  /** Streams one output to its file (whole or not at all); a Ctrl-C closes the stream it reads. */
  private static void copy(ServiceClient client, String path, OutputFile target, Interruption interruption)
      throws InterruptedException {
    var body = client.stream(path);
    interruption.blockingOn(body);
    try {
      target.write(body);
    } finally {
      interruption.blockingOn(null);
    }
    interruption.check();
  }

  /** The job to follow: the remembered one with --resume, else a new one, remembered at once. */
  private long jobToFollow(Session session, Submission submission) throws InterruptedException {
    Optional<CliState> state = CliState.read(session.stateDir());
    Path stateFile = CliState.file(session.stateDir());
    if (run.resume) {
      if (state.isPresent() && run.job == null && !Objects.equals(state.get().server(), session.server())) {
        throw new CliException(stateFile + " names a job of " + describe(state.get().server()) + ", not of "
            + describe(session.server()));
      }
      long jobId = run.job != null ? run.job
          : state.orElseThrow(() -> new CliException("Nothing to resume: there is no " + stateFile
              + " (an interrupted run writes it once its job exists; or give --job N)")).job();
      progress.say("resuming job " + jobId);
      return jobId;
    }
    if (state.isPresent()) {
      throw new CliException(stateFile + " says job " + state.get().job() + " was left unfinished: add --resume to "
          + "finish it, or delete that file to start a new job");
    }
    JsonObject created = submission.submit(session.client());
    long jobId = created.getLong("id");
    new CliState(jobId, session.server(), label).write(session.stateDir());
    progress.say(String.format("job %d: %d URLs accepted, %d duplicates, %d rejected", jobId,
        created.getLong("accepted", 0L), created.getLong("duplicates", 0L), created.getLong("rejected", 0L)));
    return jobId;
  }

  private void explainInterruption(Session session, Path embeddedDir) {
    String again = "run the same command with --resume";
    if (session == null) {
      System.err.println("fetchbus: interrupted before the job was submitted");
    } else if (session.embedded()) {
      String data = session.temporary() ? " --data " + embeddedDir : "";
      System.err.println("fetchbus: interrupted; the embedded node stopped and the job is kept in " + embeddedDir
          + ". To finish it, " + again + (data.isEmpty() ? "" : " and" + data));
    } else {
      System.err.println("fetchbus: interrupted; the job goes on at " + session.server() + ". To wait for it and "
          + "write its output, " + again);
    }
    System.err.flush();
  }

  /** The job's own time, first claim to end (as the API reports it), without this run's start and stop. */
  private static String took(JsonObject job) {
    String started = job.getString("startedAt");
    String finished = job.getString("finishedAt");
    if (started == null || finished == null) {
      return "";
    }
    double seconds = Duration.between(Instant.parse(started), Instant.parse(finished))
        .toMillis() / 1000.0;
    return String.format(", in %.1f s (%.0f pages/s)", seconds, job.getDouble("pagesPerSecond", 0.0));
  }

  private static String written(List<Download> downloads) {
    List<String> files =
        downloads.stream().map(d -> d.target()).filter(t -> !t.toStdout()).map(OutputFile::name).toList();
    return files.isEmpty() ? "" : "; wrote " + String.join(", ", files);
  }

  private static String describe(String server) {
    return server == null ? "the embedded node" : server;
  }
}
