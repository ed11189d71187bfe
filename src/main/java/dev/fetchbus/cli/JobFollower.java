package dev.fetchbus.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Follows a job to its end over {@code GET /v1/jobs/{id}/events} (Server-Sent Events: a
 * {@code progress} event a second, then {@code end}), handing each to the progress view. A stream
 * that breaks (a service restarted behind a balancer) is opened again, a bounded number of times.
 */
final class JobFollower {
  private static final int MAX_RECONNECTS = 10;
  private static final long RECONNECT_MS = 1000;
  private final ServiceClient client;
  private final Interruption interruption;

  JobFollower(ServiceClient client, Interruption interruption) {
    this.client = client;
    this.interruption = interruption;
  }

  /** Blocks until the job ends; answers its last state. */
  JobProgress follow(long jobId, ProgressView view) throws InterruptedException {
    CliException lastFailure = null;
    for (int attempt = 0; attempt <= MAX_RECONNECTS; attempt++) {
      if (attempt > 0) {
        Thread.sleep(RECONNECT_MS);
      }
      try {
        JobProgress end = readStream(jobId, view);
        if (end != null) {
          return end;
        }
      } catch (IOException e) {
        interruption.check();
        lastFailure = new CliException("Lost the progress of job " + jobId + ": " + e.getMessage());
      } catch (CliException e) {
        interruption.check();
        lastFailure = e;
      }
    }
    throw lastFailure != null ? lastFailure
        : new CliException("The progress stream of job " + jobId + " kept ending early");
  }

  /** Reads one event stream; answers the job's state at its end event, or null when the stream stopped before it. */
  private JobProgress readStream(long jobId, ProgressView view) throws IOException, InterruptedException {
    InputStream events = client.stream("v1/jobs/" + jobId + "/events");
    interruption.blockingOn(events);
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(events, StandardCharsets.UTF_8))) {
      String event = "message";
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        interruption.check();
        if (line.startsWith("event:")) {
          event = line.substring("event:".length()).strip();
        } else if (line.startsWith("data:")) {
          JobProgress progress = parse(line.substring("data:".length()).strip());
          view.update(progress);
          if ("end".equals(event)) {
            return progress;
          }
        }
      }
      interruption.check();
      return null;
    } finally {
      interruption.blockingOn(null);
    }
  }

  private static JobProgress parse(String data) {
    try {
      return JobProgress.of(new JsonObject(data));
    } catch (DecodeException | ClassCastException e) {
      throw new CliException("The server sent a progress event that is not a job's: " + data);
    }
  }
}
