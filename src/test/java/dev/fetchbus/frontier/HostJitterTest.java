package dev.fetchbus.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** host.delayJitter: each delay between starts on a host is stretched by a random fraction up to the jitter. */
@DisplayName("The host scheduler's delay jitter")
class HostJitterTest {
  private static final int DELAY_MS = 1000;
  private static final double JITTER = 0.2;
  private long now = 1_000_000;

  /** Concurrency above one, so the delay (not a busy slot) is what holds the next start back. */
  private record Job(String host, int hostConcurrency, int hostDelayMs, long jobId) implements HostScheduler.Work {}

  @Test
  @DisplayName("with jitter 0.2, every delay lies in [delay, delay × 1.2], and they differ from one another")
  void jitteredDelays() {
    // a fixed seed: the same delays on every run, so a failure can be replayed
    Random random = new Random(15);
    HostScheduler<Job> scheduler = new HostScheduler<>(100, () -> now, JITTER, random::nextDouble);
    for (int i = 0; i < 50; i++) {
      scheduler.add(new Job("h", 10, DELAY_MS, 1));
    }

    List<Long> waits = new ArrayList<>();
    List<Job> started = new ArrayList<>();
    long wake = scheduler.pump(started::add);
    while (scheduler.waiting() > 0) {
      assertThat(started).hasSize(1);
      waits.add(wake);
      scheduler.finished(started.remove(0));
      // one millisecond early nothing starts: the jittered delay is honoured to the millisecond
      now += wake - 1;
      assertThat(scheduler.pump(started::add)).isEqualTo(1);
      assertThat(started).isEmpty();
      now += 1;
      wake = scheduler.pump(started::add);
    }

    assertThat(waits).hasSize(49).allSatisfy(w -> assertThat(w).isBetween((long) DELAY_MS,
        (long) (DELAY_MS * (1 + JITTER))));
    assertThat(waits.stream().distinct().count()).as("jittered delays, not one fixed delay: %s", waits)
        .isGreaterThan(10);
    assertThat(waits.stream().mapToLong(Long::longValue).max().getAsLong() - DELAY_MS)
        .as("the stretch uses most of the jitter's range").isGreaterThan((long) (DELAY_MS * JITTER / 2));
  }

  @Test
  @DisplayName("without jitter the delay is exact, and a delay of 0 stays 0 whatever the jitter")
  void noJitterAndNoDelay() {
    HostScheduler<Job> plain = new HostScheduler<>(100, () -> now, 0, () -> 0.99);
    plain.add(new Job("a", 10, DELAY_MS, 1));
    plain.add(new Job("a", 10, DELAY_MS, 1));
    assertThat(plain.pump(j -> { })).isEqualTo(DELAY_MS);

    HostScheduler<Job> immediate = new HostScheduler<>(100, () -> now, JITTER, () -> 0.99);
    List<Job> started = new ArrayList<>();
    immediate.add(new Job("b", 2, 0, 1));
    immediate.add(new Job("b", 2, 0, 1));
    assertThat(immediate.pump(started::add)).as("no host waits on a delay").isEqualTo(-1);
    assertThat(started).hasSize(2);
  }
}
