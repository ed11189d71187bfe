package dev.fetchbus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.NodeLives;
import dev.fetchbus.support.NodeProcess;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar with its embedded PostgreSQL, whose postmaster is killed with -9 mid-job. The
 * node must notice, hold its claims, keep what it fetched, start the database again on the same
 * port and data directory, and finish the job with every URL once and none requested twice.
 */
@DisplayName("kill -9 of the embedded PostgreSQL mid-job: the node restarts it and the job ends exactly once")
class DatabaseLossIT {
  private static final int URLS = 1000;
  private static final int SLOW_MS = 20;
  private static final int KILL_AFTER_DONE = 100;

  @Test
  @DisplayName("postmaster killed mid-job: restarted by the node, job done with N records, origin asked N times")
  void embeddedDatabaseKilledMidJob() throws Exception {
    try (OriginServer origin = OriginServer.start(); NodeLives lives = new NodeLives("database-loss-it")) {
      lives.run(() -> drill(origin, lives));
    }
  }

  private void drill(OriginServer origin, NodeLives lives) {
    List<String> urls = IntStream.range(0, URLS).mapToObj(i -> origin.url("/slow/" + SLOW_MS + "/" + i)).toList();
    int port = TestNode.freePort();
    NodeProcess node = lives.start(1, port, Map.of());
    ApiClient api = ApiClient.of(port, NodeLives.ADMIN_KEY);
    long jobId = api.submit(urls, "hostConcurrency=2").getLong("id");
    NodeLives.poll("job " + jobId + " to have " + KILL_AFTER_DONE + " records", Duration.ofMinutes(3), node,
        () -> done(api, jobId) >= KILL_AFTER_DONE ? Optional.of(true) : Optional.empty());

    long postmaster = lives.postmasterPid().orElseThrow();
    ProcessHandle.of(postmaster).orElseThrow().destroyForcibly();
    NodeLives.poll("a new postmaster", Duration.ofMinutes(2), node, () -> lives.postmasterPid()
        .filter(pid -> pid != postmaster && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));

    JsonObject job = NodeLives.poll("job " + jobId + " to be done", Duration.ofMinutes(5), node, () -> {
      JsonObject seen = api.get("/v1/jobs/" + jobId).json();
      return "done".equals(seen.getString("state")) ? Optional.of(seen) : Optional.empty();
    });
    System.out.printf("DatabaseLossIT: job done after the postmaster was killed: %s; origin hits %d%n",
        job.getJsonObject("urls"), origin.hits("/slow/"));
    assertThat(node.alive()).as("the node outlived its database").isTrue();
    assertThat(node.log()).contains("died; restarting it").contains("is back on port");
    assertThat(job.getJsonObject("urls").getLong("done")).isEqualTo(URLS);
    assertThat(job.getJsonObject("urls").getLong("failed")).isZero();
    Set<String> seen = new HashSet<>();
    for (JsonObject record : api.get("/v1/jobs/" + jobId + "/results").ndjson()) {
      assertThat(seen.add(record.getString("url"))).as("one record for %s", record.getString("url")).isTrue();
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(urls);
    assertThat(origin.hits("/slow/")).as("each URL requested once: none fetched twice").isEqualTo(URLS);
  }

  private static long done(ApiClient api, long jobId) {
    return api.get("/v1/jobs/" + jobId).json().getJsonObject("urls").getLong("done");
  }
}
