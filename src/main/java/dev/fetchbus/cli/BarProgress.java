package dev.fetchbus.cli;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A terminal progress bar (me.tongfei:progressbar, which redraws it on its own thread several times a
 * second and sizes it to the terminal): pages done/total, elapsed and ETA, pages per second, errors.
 * It is made at the first update, once the total is known; a job resumed half done starts the bar
 * half full, and the rate counts this run's pages only.
 */
final class BarProgress implements ProgressView {
  private static final int REDRAW_MS = 250;
  private final String label;
  private ProgressBar bar;

  BarProgress(String label) {
    this.label = label;
  }

  @Override
  public void update(JobProgress progress) {
    if (bar == null) {
      bar = new ProgressBarBuilder().setTaskName(label).setInitialMax(Math.max(1, progress.total()))
          .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(REDRAW_MS)
          .setUnit(" pages", 1).showSpeed().setSpeedUnit(ChronoUnit.SECONDS)
          .startsFrom(progress.finished(), Duration.ZERO).build();
    }
    bar.maxHint(Math.max(1, progress.total()));
    bar.stepTo(progress.finished());
    bar.setExtraMessage(" " + progress.errors());
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
