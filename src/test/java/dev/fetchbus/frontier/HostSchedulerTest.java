package dev.fetchbus.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The host scheduler")
class HostSchedulerTest {
  private long now = 1_000_000;

  private record Job(String host, int hostConcurrency, int hostDelayMs, long jobId, String name)
      implements HostScheduler.Work {}

  private static Job work(String host, int concurrency, int delayMs, String name) {
    return new Job(host, concurrency, delayMs, 1, name);
  }

  private HostScheduler<Job> scheduler(int maxInFlight) {
    return new HostScheduler<>(maxInFlight, () -> now);
  }

  private static List<Job> pump(HostScheduler<Job> scheduler) {
    List<Job> started = new ArrayList<>();
    scheduler.pump(started::add);
    return started;
  }

  private static List<String> names(List<Job> jobs) {
    return jobs.stream().map(Job::name).toList();
  }

  @Test
  @DisplayName("never runs more of one host's work at once than that host's concurrency, and runs everything once")
  void perHostConcurrency() {
    HostScheduler<Job> scheduler = scheduler(100);
    Map<String, Integer> limit = Map.of("a", 2, "b", 3, "c", 1);
    limit.forEach((host, concurrency) -> {
      for (int i = 0; i < 20; i++) {
        scheduler.add(work(host, concurrency, 0, host + i));
      }
    });
    Map<String, Integer> active = new HashMap<>();
    Map<String, Integer> peak = new HashMap<>();
    ArrayDeque<Job> running = new ArrayDeque<>();
    Set<String> seen = new HashSet<>();
    int step = 0;
    do {
      for (Job started : pump(scheduler)) {
        assertThat(seen.add(started.name())).as("%s started once", started.name()).isTrue();
        int n = active.merge(started.host(), 1, Integer::sum);
        peak.merge(started.host(), n, Math::max);
        assertThat(n).as("active on %s", started.host()).isLessThanOrEqualTo(limit.get(started.host()));
        running.add(started);
      }
      // finish in a shifting order, so hosts free their slots unevenly
      Job done = step++ % 3 == 0 ? running.pollLast() : running.pollFirst();
      if (done != null) {
        active.merge(done.host(), -1, Integer::sum);
        scheduler.finished(done);
      }
    } while (!running.isEmpty() || scheduler.waiting() > 0);

    assertThat(seen).hasSize(60);
    assertThat(peak).isEqualTo(limit);
    assertThat(scheduler.inFlight()).isZero();
    assertThat(scheduler.hosts()).isZero();
  }

  @Test
  @DisplayName("never has more than maxInFlight work running across all hosts")
  void globalLimit() {
    HostScheduler<Job> scheduler = scheduler(6);
    for (String host : List.of("a", "b", "c", "d", "e")) {
      for (int i = 0; i < 10; i++) {
        scheduler.add(work(host, 4, 0, host + i));
      }
    }
    List<Job> first = pump(scheduler);
    assertThat(first).hasSize(6);
    assertThat(scheduler.inFlight()).isEqualTo(6);
    assertThat(scheduler.waiting()).isEqualTo(44);
    assertThat(pump(scheduler)).as("nothing more while full").isEmpty();

    scheduler.finished(first.get(0));
    scheduler.finished(first.get(1));
    assertThat(pump(scheduler)).hasSize(2);
    assertThat(scheduler.inFlight()).isEqualTo(6);
  }

  @Test
  @DisplayName("waits a host's delay between starts on that host, and says how long until the next may start")
  void delayBetweenStarts() {
    HostScheduler<Job> scheduler = scheduler(100);
    for (int i = 0; i < 3; i++) {
      scheduler.add(work("slow", 10, 1000, "slow" + i));
    }
    scheduler.add(work("fast", 10, 0, "fast0"));
    scheduler.add(work("fast", 10, 0, "fast1"));

    List<Job> started = new ArrayList<>();
    long wake = scheduler.pump(started::add);
    assertThat(names(started)).containsExactlyInAnyOrder("slow0", "fast0", "fast1");
    assertThat(wake).isEqualTo(1000);

    now += 400;
    started.clear();
    wake = scheduler.pump(started::add);
    assertThat(started).isEmpty();
    assertThat(wake).isEqualTo(600);

    // finishing does not lift the delay: it counts from the last start
    scheduler.finished(work("slow", 10, 1000, "slow0"));
    now += 599;
    assertThat(pump(scheduler)).isEmpty();

    now += 1;
    started.clear();
    wake = scheduler.pump(started::add);
    assertThat(names(started)).containsExactly("slow1");
    assertThat(wake).isEqualTo(1000);

    now += 1000;
    assertThat(names(pump(scheduler))).containsExactly("slow2");
    assertThat(scheduler.waiting()).isZero();
  }

  @Test
  @DisplayName("forgets an idle host once its delay has passed, and keeps honouring the delay until then")
  void forgetsIdleHosts() {
    HostScheduler<Job> scheduler = scheduler(100);
    for (int i = 0; i < 50; i++) {
      Job job = work("h" + i, 1, 1000, "h" + i);
      scheduler.add(job);
      assertThat(pump(scheduler)).containsExactly(job);
      now += 10;
      scheduler.finished(job);
    }
    // h49 started 10 ms ago: new work for it must still wait out its delay
    Job again = work("h49", 1, 1000, "again");
    scheduler.add(again);
    assertThat(pump(scheduler)).isEmpty();

    now += 1000;
    assertThat(pump(scheduler)).containsExactly(again);
    scheduler.finished(again);
    now += 1000;
    pump(scheduler);
    assertThat(scheduler.hosts()).isZero();
    assertThat(scheduler.waiting()).isZero();
  }

  @Test
  @DisplayName("reports no wake-up when nothing waits on a delay")
  void noWakeWithoutDelay() {
    HostScheduler<Job> scheduler = scheduler(1);
    scheduler.add(work("a", 1, 0, "a0"));
    scheduler.add(work("a", 1, 0, "a1"));
    assertThat(scheduler.pump(w -> { })).isEqualTo(-1);
  }

  @Test
  @DisplayName("hosts take turns, so one big host cannot starve the others")
  void roundRobin() {
    HostScheduler<Job> scheduler = scheduler(1);
    for (int i = 1; i <= 4; i++) {
      scheduler.add(work("a", 4, 0, "a" + i));
    }
    scheduler.add(work("b", 4, 0, "b1"));
    scheduler.add(work("b", 4, 0, "b2"));
    scheduler.add(work("c", 4, 0, "c1"));

    List<String> order = new ArrayList<>();
    while (scheduler.waiting() > 0) {
      List<Job> started = pump(scheduler);
      assertThat(started).hasSize(1);
      order.add(started.get(0).name());
      scheduler.finished(started.get(0));
    }
    assertThat(order).containsExactly("a1", "b1", "c1", "a2", "b2", "a3", "a4");
  }

  @Test
  @DisplayName("a host that arrives behind a big one waits at most one turn of the big host, not for its whole queue")
  void latecomerIsNotStarved() {
    HostScheduler<Job> scheduler = scheduler(4);
    for (int i = 0; i < 100; i++) {
      scheduler.add(work("big", 4, 0, "big" + i));
    }
    List<Job> first = pump(scheduler);
    assertThat(first).hasSize(4);
    scheduler.add(work("small", 4, 0, "small0"));

    List<String> next = new ArrayList<>();
    for (Job done : first.subList(0, 2)) {
      scheduler.finished(done);
      next.addAll(names(pump(scheduler)));
    }
    // big was already queued for its turn when small arrived: big4, then small0
    assertThat(next).containsExactly("big4", "small0");
  }

  @Test
  @DisplayName("removeWaiting takes out matching work that has not started, and leaves running work alone")
  void removeWaiting() {
    HostScheduler<Job> scheduler = scheduler(2);
    for (int i = 0; i < 5; i++) {
      scheduler.add(new Job("a", 1, 0, 1, "a-job1-" + i));
      scheduler.add(new Job("b", 1, 0, i % 2 == 0 ? 1 : 2, "b-job" + (i % 2 == 0 ? 1 : 2) + "-" + i));
    }
    List<Job> running = pump(scheduler);
    assertThat(names(running)).containsExactlyInAnyOrder("a-job1-0", "b-job1-0");

    List<Job> removed = scheduler.removeWaiting(w -> w.jobId() == 1);
    assertThat(removed).hasSize(6).allMatch(w -> w.jobId() == 1).doesNotContainAnyElementsOf(running);
    assertThat(scheduler.waiting()).isEqualTo(2);
    assertThat(scheduler.inFlight()).isEqualTo(2);

    List<String> later = new ArrayList<>();
    running.forEach(scheduler::finished);
    while (scheduler.waiting() > 0 || scheduler.inFlight() > 0) {
      List<Job> started = pump(scheduler);
      assertThat(started).isNotEmpty();
      started.forEach(w -> later.add(w.name()));
      started.forEach(scheduler::finished);
    }
    assertThat(later).containsExactly("b-job2-1", "b-job2-3");
  }

  private record UserWork(String host, long user, String name) implements HostScheduler.Work {
    @Override
    public int hostConcurrency() {
      return 10;
    }

    @Override
    public int hostDelayMs() {
      return 0;
    }
  }

  @Test
  @DisplayName(
      "a user at its bound waits, others' work behind it on the same host "
          + "starts, and its next work starts when one of its own ends")
  void perUserBound() {
    HostScheduler<UserWork> scheduler = new HostScheduler<>(100, () -> now);
    scheduler.boundUsers(user -> user == 1 ? 2 : Integer.MAX_VALUE);
    scheduler.add(new UserWork("a", 1, "u1-a1"));
    scheduler.add(new UserWork("a", 1, "u1-a2"));
    scheduler.add(new UserWork("b", 1, "u1-b1"));
    scheduler.add(new UserWork("a", 1, "u1-a3"));
    scheduler.add(new UserWork("a", 2, "u2-a1"));
    scheduler.add(new UserWork("b", 0, "nobody-b1"));

    List<UserWork> first = new ArrayList<>();
    scheduler.pump(first::add);
    assertThat(first.stream().map(UserWork::name)).containsExactlyInAnyOrder("u1-a1", "u1-a2", "u2-a1", "nobody-b1");
    assertThat(scheduler.activeOf(1)).isEqualTo(2);
    List<UserWork> none = new ArrayList<>();
    scheduler.pump(none::add);
    assertThat(none).as("user 1 is at its bound of 2").isEmpty();

    scheduler.finished(first.get(0));
    List<UserWork> next = new ArrayList<>();
    scheduler.pump(next::add);
    assertThat(next).hasSize(1).allSatisfy(w -> assertThat(w.user()).isEqualTo(1));
    assertThat(scheduler.activeOf(1)).isEqualTo(2);
    assertThat(scheduler.waiting()).isEqualTo(1);
  }

  private record Lent(String host, int hostConcurrency, int hostDelayMs, String name) implements HostScheduler.Work {
    @Override
    public boolean counted() {
      return false;
    }
  }

  @Test
  @DisplayName(
      "a lent slot (a rendered page's subresource) keeps its host's "
          + "concurrency and delay, but not the node's in-flight bound")
  void lentSlots() {
    HostScheduler<HostScheduler.Work> scheduler = new HostScheduler<>(1, () -> now);
    scheduler.add(work("page", 1, 0, "page"));
    scheduler.add(work("other", 1, 0, "waits"));
    scheduler.add(new Lent("cdn", 1, 500, "img1"));
    scheduler.add(new Lent("cdn", 1, 500, "img2"));
    List<HostScheduler.Work> started = new ArrayList<>();
    scheduler.pump(started::add);
    assertThat(started)
        .extracting(w -> ((Object) w).toString().contains("img1") || ((Object) w).toString().contains("page"))
        .containsOnly(true).hasSize(2);
    assertThat(scheduler.inFlight()).as("the lent slot is not counted").isEqualTo(1);
    assertThat(scheduler.waiting()).as("nor is one waiting").isEqualTo(1);

    HostScheduler.Work img1 = started.stream().filter(w -> w instanceof Lent).findFirst().orElseThrow();
    scheduler.finished(img1);
    List<HostScheduler.Work> tooSoon = new ArrayList<>();
    assertThat(scheduler.pump(tooSoon::add)).as("the host's delay holds for lent slots").isPositive();
    assertThat(tooSoon).isEmpty();
    now += 500;
    List<HostScheduler.Work> later = new ArrayList<>();
    scheduler.pump(later::add);
    assertThat(later).extracting(Object::toString).singleElement().asString().contains("img2");
    assertThat(scheduler.inFlight()).isEqualTo(1);
  }
}
