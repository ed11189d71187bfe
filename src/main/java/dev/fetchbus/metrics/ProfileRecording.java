package dev.fetchbus.metrics;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * A JDK Flight Recorder recording of this JVM with the JDK's {@code profile} settings (execution
 * samples every 10 ms, GC, CPU load), for a given time. Starting, stopping and dumping touch files,
 * so they run on worker threads; the wait in between is a Vert.x timer, so no thread is held.
 */
public final class ProfileRecording {
  /** Longer than any profile: JFR ends a recording by itself should this node stop before the timer fires. */
  private static final Duration SAFETY_MARGIN = Duration.ofSeconds(30);

  private ProfileRecording() {}

  /** Records for {@code seconds}, then dumps to a temporary file that the caller must delete. */
  public static Future<Path> record(Vertx vertx, int seconds) {
    return vertx.executeBlocking(() -> start(seconds), false)
        .compose(recording -> vertx.timer(seconds, TimeUnit.SECONDS)
            .transform(waited -> vertx.executeBlocking(() -> stopAndDump(recording), false)));
  }

  private static Recording start(int seconds) throws IOException, ParseException {
    Recording recording = new Recording(Configuration.getConfiguration("profile"));
    recording.setName("fetchbus-profile");
    recording.setToDisk(true);
    recording.setDuration(Duration.ofSeconds(seconds).plus(SAFETY_MARGIN));
    recording.start();
    return recording;
  }

  private static Path stopAndDump(Recording recording) throws IOException {
    try {
      recording.stop();
      Path file = Files.createTempFile("fetchbus-profile-", ".jfr");
      try {
        recording.dump(file);
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(file);
        throw e;
      }
      return file;
    } finally {
      recording.close();
    }
  }
}
