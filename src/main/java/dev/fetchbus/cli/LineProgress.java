package dev.fetchbus.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * Progress as plain lines, one every {@code seconds} (and a last one at the end), for logs and
 * pipes: {@code 12:00:05 fetch job 3: 135/300 pages (45%), 27.0 pages/s, ETA 0:00:06, 2 errors}. The
 * rate is this run's: pages finished since its first event, over the time since.
 */
final class LineProgress implements ProgressView {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
  private final String label;
  private final long intervalNanos;
  private final PrintStream out;
  private long lastPrinted;
  private long firstSeen;
  private long firstFinished;
  private JobProgress last;
  private boolean lastShown;

  LineProgress(String label, int seconds, PrintStream out) {
    this.label = label;
    this.intervalNanos = Duration.ofSeconds(Math.max(1, seconds)).toNanos();
    this.out = out;
  }

  @Override
  public void update(JobProgress progress) {
    long now = System.nanoTime();
    if (last == null) {
      firstSeen = now;
      firstFinished = progress.finished();
    }
    last = progress;
    lastShown = false;
    if (lastPrinted == 0 || now - lastPrinted >= intervalNanos) {
      print(progress);
      lastPrinted = now;
    }
  }

  @Override
  public void close() {
    if (last != null && !lastShown) {
      print(last);
    }
  }

  private void print(JobProgress p) {
    lastShown = true;
    long percent = p.total() == 0 ? 0 : (long) Math.floor(100.0 * p.finished() / p.total());
    double seconds = (System.nanoTime() - firstSeen) / 1e9;
    double rate = seconds < 0.5 ? 0 : (p.finished() - firstFinished) / seconds;
    String eta = rate <= 0 ? "?" : clock(Duration.ofSeconds(Math.round((p.total() - p.finished()) / rate)));
    out.printf("%s %s job %d: %d/%d pages (%d%%), %.1f pages/s, ETA %s, %s%n", LocalTime.now().format(CLOCK),
        label, p.id(), p.finished(), p.total(), percent, rate, eta, p.errors());
    out.flush();
  }

  static String clock(Duration d) {
    long s = d.toSeconds();
    return String.format("%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
  }
}
