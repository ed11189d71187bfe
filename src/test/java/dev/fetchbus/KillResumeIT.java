package dev.fetchbus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.NodeLives;
import dev.fetchbus.support.NodeProcess;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestNode;
import dev.fetchbus.support.VersionedSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToLongFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar, as an operator runs it with zero setup (embedded PostgreSQL in its data dir),
 * killed with SIGKILL in the middle of a job and started again on the same data dir. The first
 * JVM's PostgreSQL is left orphaned by the kill; the second node must stop it, take over the dead
 * node's expired leases, and finish the job with exactly one record per URL, each with its body.
 */
@DisplayName("A node killed with -9 mid-job resumes on restart, and the job ends with one record per URL")
class KillResumeIT {
  private static final int URLS = 2000;
  /**
   * Each page takes 20 ms at the origin and the job allows 2 at once: at most ~100 pages/s, so the kill lands mid-job.
   */
  private static final int SLOW_MS = 20;
  private static final int HOST_CONCURRENCY = 2;
  private static final int KILL_AFTER_DONE = 100;
  private static final Duration FIRST_RECORDS_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration DONE_TIMEOUT = Duration.ofMinutes(6);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  @Test
  @DisplayName(
      "kill -9 mid-job, restart on the same data dir: done=N, NDJSON N distinct URLs with bodies, CSV N+1 lines")
  void killedNodeResumesJob() throws Exception {
    try (OriginServer origin = OriginServer.start(); NodeLives lives = new NodeLives("kill-resume-it")) {
      lives.run(() -> listJob(origin, lives));
    }
  }

  @Test
  @DisplayName("kill -9 mid-crawl with bodies on: every page once, every body present and byte-exact")
  void killedNodeResumesCrawl() throws Exception {
    try (VersionedSite site = new VersionedSite(1500, SLOW_MS);
        NodeLives lives = new NodeLives("kill-resume-crawl-it")) {
      lives.run(() -> crawl(site, lives));
    }
  }

  @Test
  @DisplayName("SIGTERM mid-job, restart: no URL fetched twice, and no wait for the stopped node's leases")
  void terminatedNodeHandsBackItsWork() throws Exception {
    try (OriginServer origin = OriginServer.start(); NodeLives lives = new NodeLives("terminate-resume-it")) {
      lives.run(() -> terminated(origin, lives));
    }
  }

  private void terminated(OriginServer origin, NodeLives lives) {
    // leases of 60 s: were they not handed back, the second life would wait that long for them
    Map<String, String> env = Map.of("FETCHBUS_FRONTIER_LEASE_SECONDS", "60");
    List<String> urls = IntStream.range(0, URLS).mapToObj(i -> origin.url("/slow/" + SLOW_MS + "/" + i)).toList();
    int port1 = TestNode.freePort();
    NodeProcess first = lives.start(1, port1, env);
    ApiClient api1 = ApiClient.of(port1, NodeLives.ADMIN_KEY);
    long jobId = api1.submit(urls, "hostConcurrency=" + HOST_CONCURRENCY).getLong("id");
    NodeLives.poll("job " + jobId + " to have " + KILL_AFTER_DONE + " records", FIRST_RECORDS_TIMEOUT, first,
        () -> api1.get("/v1/jobs/" + jobId).json().getJsonObject("urls").getLong("done") >= KILL_AFTER_DONE
            ? Optional.of(true) : Optional.empty());
    long stoppedAt = System.nanoTime();
    first.terminate();
    assertThat(first.log()).as("node 1 log").contains("gave back");

    int port2 = TestNode.freePort();
    NodeProcess second = lives.start(2, port2, env);
    ApiClient api2 = ApiClient.of(port2, NodeLives.ADMIN_KEY);
    JsonObject done = awaitDone(new Killed(jobId, api2, second));
    long seconds = Duration.ofNanos(System.nanoTime() - stoppedAt).toSeconds();
    System.out.printf("KillResumeIT: after SIGTERM the job finished in %d s; origin hits %d%n", seconds,
        origin.hits("/slow/"));
    assertThat(done.getJsonObject("urls").getLong("done")).isEqualTo(URLS);
    assertThat(origin.hits("/slow/")).as("each URL requested once: none fetched twice").isEqualTo(URLS);
    assertThat(seconds).as("finished before the stopped node's 60 s leases could have run out").isLessThan(60);
    // issue #11 point 14: a lease handed back unstarted is not an attempt
    assertThat(api2.get("/v1/jobs/" + jobId + "/results").ndjson())
        .as("every URL was fetched once, and says so")
        .allSatisfy(r -> assertThat(r.getInteger("attempts")).isEqualTo(1));
  }

  private void listJob(OriginServer origin, NodeLives lives) throws Exception {
    List<String> urls = IntStream.range(0, URLS).mapToObj(i -> origin.url("/slow/" + SLOW_MS + "/" + i)).toList();
    Killed killed = killMidJob(lives, api -> api.submit(urls, "hostConcurrency=" + HOST_CONCURRENCY).getLong("id"));
    JsonObject done = awaitDone(killed);
    assertThat(done.getJsonObject("urls").getLong("done")).isEqualTo(URLS);
    assertThat(done.getJsonObject("urls").getLong("failed")).isZero();

    List<JsonObject> records = killed.api().get("/v1/jobs/" + killed.jobId() + "/results").ndjson();
    assertThat(records).as("NDJSON lines").hasSize(URLS);
    Set<String> seen = new HashSet<>();
    for (JsonObject record : records) {
      assertThat(seen.add(record.getString("url"))).as("each URL once: %s", record.getString("url")).isTrue();
      assertThat(record.getInteger("status")).as("status of %s", record.getString("url")).isEqualTo(200);
      byte[] body = body(killed, record);
      assertThat(new String(body, StandardCharsets.UTF_8)).contains("Slow " + SLOW_MS);
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(urls);

    ApiClient.Response csv = killed.api().get("/v1/jobs/" + killed.jobId() + "/results?format=csv");
    List<String> csvLines = csv.body().lines().toList();
    assertThat(csvLines).as("CSV lines (header + one per URL)").hasSize(URLS + 1);
    assertThat(csvLines.get(0)).startsWith("cursor,url,");
  }

  private void crawl(VersionedSite site, NodeLives lives) throws Exception {
    JsonObject request = new JsonObject().put("kind", "crawl").put("seeds", new JsonArray().add(site.url("/p/0")))
        .put("options", new JsonObject().put("robots", false).put("hostConcurrency", HOST_CONCURRENCY));
    Killed killed = killMidJob(lives, api -> api.postJson("/v1/jobs", request).json().getLong("id"));
    JsonObject done = awaitDone(killed);
    assertThat(done.getJsonObject("urls").getLong("done")).isEqualTo(1500);

    List<JsonObject> records = killed.api().get("/v1/jobs/" + killed.jobId() + "/results").ndjson();
    Set<String> seen = new HashSet<>();
    for (JsonObject record : records) {
      String url = record.getString("url");
      assertThat(seen.add(url)).as("each page once: %s", url).isTrue();
      String path = url.replaceFirst("^http://[^/]+", "");
      assertThat(body(killed, record)).as("body of %s", path).isEqualTo(site.body(path));
    }
    assertThat(seen).isEqualTo(site.pageUrls());
  }

  /** A job submitted to a node that is then killed with -9, and the node of the second life that must finish it. */
  private record Killed(long jobId, ApiClient api, NodeProcess node) {}

  private Killed killMidJob(NodeLives lives, ToLongFunction<ApiClient> submit) {
    int port1 = TestNode.freePort();
    NodeProcess first = lives.start(1, port1, Map.of());
    ApiClient api1 = ApiClient.of(port1, NodeLives.ADMIN_KEY);
    long jobId = submit.applyAsLong(api1);
    JsonObject beforeKill = NodeLives.poll("job " + jobId + " to have " + KILL_AFTER_DONE + " records",
        FIRST_RECORDS_TIMEOUT, first, () -> {
          JsonObject job = api1.get("/v1/jobs/" + jobId).json();
          return job.getJsonObject("urls").getLong("done") >= KILL_AFTER_DONE ? Optional.of(job) : Optional.empty();
        });

    // Kill -9. The JVM dies; its PostgreSQL does not.
    first.kill();
    assertThat(first.alive()).as("first node died of SIGKILL").isFalse();
    long doneAtKill = beforeKill.getJsonObject("urls").getLong("done");
    System.out.printf("KillResumeIT: killed node 1 (exit %d) with %d URLs done%n", first.exitValue(), doneAtKill);
    assertThat(beforeKill.getString("state")).as("the kill must land mid-job; last seen %s", beforeKill)
        .isEqualTo("running");
    long orphanPid =
        lives.postmasterPid().orElseThrow(() -> new AssertionError("no postmaster.pid in " + lives.pgDir()));
    assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false))
        .as("the first node's PostgreSQL (pid %d) outlives the kill -9 of its JVM", orphanPid).isTrue();

    // Second life on the same data dir: it must stop the orphan and come up.
    int port2 = TestNode.freePort();
    NodeProcess second = lives.start(2, port2, Map.of());
    assertThat(second.log()).as("node 2 log").contains("left running");
    NodeLives.poll("orphaned PostgreSQL " + orphanPid + " to exit", STOP_TIMEOUT, second,
        () -> ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false) ? Optional.empty()
            : Optional.of(1));
    assertThat(lives.postmasterPid()).as("node 2 runs its own postmaster").isPresent().get().isNotEqualTo(orphanPid);
    return new Killed(jobId, ApiClient.of(port2, NodeLives.ADMIN_KEY), second);
  }

  private static JsonObject awaitDone(Killed killed) {
    JsonObject done = NodeLives.poll("job " + killed.jobId() + " to be done", DONE_TIMEOUT, killed.node(), () -> {
      JsonObject job = killed.api().get("/v1/jobs/" + killed.jobId()).json();
      return "done".equals(job.getString("state")) ? Optional.of(job) : Optional.empty();
    });
    System.out.printf("KillResumeIT: job finished after restart: %s%n", done.getJsonObject("urls"));
    assertThat(done.getJsonObject("urls").getLong("queued")).isZero();
    assertThat(done.getJsonObject("urls").getLong("leased")).isZero();
    return done;
  }

  /** Bodies are on by default: each record's body is stored and comes back with the hash it was recorded with. */
  private static byte[] body(Killed killed, JsonObject record) {
    assertThat(record.getBoolean("bodyStored")).as("body kept for %s", record.getString("url")).isTrue();
    ApiClient.Bytes body = killed.api().getBytes("/v1/jobs/" + killed.jobId() + "/pages/" + record.getLong("cursor")
        + "/body");
    assertThat(body.status()).isEqualTo(200);
    assertThat(VersionedSite.sha256(body.body())).as("body of %s", record.getString("url"))
        .isEqualTo(record.getString("contentHash"));
    return body.body();
  }
}
