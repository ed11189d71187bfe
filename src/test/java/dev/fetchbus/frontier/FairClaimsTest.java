package dev.fetchbus.frontier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.MultiHostOrigin;
import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Fair claims (issue #12): a small job is not stuck behind a big one, and priorities share the
 * fetches in their ratio. Before V11 the claim took the URLs due longest first, so the small job's
 * URLs waited behind every URL of the big one and the first test failed.
 */
@DisplayName("Fair claims across jobs and users")
class FairClaimsTest {
  private static final int HOSTS = 20;
  private static final int BIG = Integer.getInteger("fetchbus.test.fairBigJob", 200_000);
  private static final int SMALL = 50;
  private static MultiHostOrigin origin;
  private static TestNode node;

  @BeforeAll
  static void start() {
    origin = new MultiHostOrigin(HOSTS, 0);
    node = TestNode.start(new JsonObject().put("fetch", new JsonObject().put("allowNetworks", "127.0.0.0/8")));
  }

  @AfterAll
  static void stop() {
    node.close();
    origin.close();
  }

  private static List<String> urls(int from, int count) {
    return IntStream.range(from, from + count).mapToObj(origin::url).toList();
  }

  @Test
  @DisplayName(
      "user B's 50 URLs, sent after user A's 200,000 on the same "
          + "hosts, finish long before A's; A still gets each URL once")
  void smallJobOvertakes() throws Exception {
    ApiClient a = node.newUser("fair-a");
    ApiClient b = node.newUser("fair-b");
    long big = a.submit(urls(0, BIG), "extract=false&store=none").getLong("id");
    awaitRecords(big, 1_000);

    long small = b.submit(urls(BIG, SMALL), "extract=false&store=none").getLong("id");
    JsonObject smallJob = b.awaitState(small, "done", Duration.ofMinutes(2));
    // A's progress while B's job lived, against what A had left when B's began: read from the records'
    // fetch times, so neither how long B's upload took nor how soon the test sees its end moves it.
    // Were B's URLs queued behind A's, A would finish all it had left first.
    long bigAtStart = recordsFetchedBy(big, smallJob.getString("createdAt"));
    long bigDuring = recordsFetchedBy(big, smallJob.getString("finishedAt")) - bigAtStart;

    System.out.printf("FairClaimsTest: B's %d URLs took %s (created to finished); A had %d of %d done when B's "
            + "job was created and did %d more while it ran%n", SMALL,
        Duration.between(Instant.parse(smallJob.getString("createdAt")),
            Instant.parse(smallJob.getString("finishedAt"))), bigAtStart, BIG, bigDuring);
    assertThat(smallJob.getJsonObject("urls").getLong("done")).isEqualTo(SMALL);
    assertThat(bigAtStart).as("A's URLs done when B's job was created (of %d)", BIG).isLessThan(BIG);
    assertThat(bigDuring).as("A's URLs done while B's job ran, of the %d A had left", BIG - bigAtStart)
        .isLessThan((BIG - bigAtStart) / 2);

    JsonObject bigJob = a.awaitState(big, "done", Duration.ofMinutes(10));
    assertThat(bigJob.getJsonObject("urls").getLong("done")).isEqualTo(BIG);
    try (Connection conn = TestDatabase.connect(node.databaseUrl()); Statement st = conn.createStatement();
        ResultSet rows = st.executeQuery("select count(*), count(distinct url_id) from pages where job_id = " + big)) {
      rows.next();
      assertThat(rows.getLong(1)).as("records of A's job").isEqualTo(BIG);
      assertThat(rows.getLong(2)).as("distinct URLs among them").isEqualTo(BIG);
    }
  }

  @Test
  @DisplayName("two users' jobs of priority 1 and 3, running side by side, progress about 1:3")
  void prioritiesShareInRatio() throws Exception {
    ApiClient low = node.newUser("fair-low");
    ApiClient high = node.newUser("fair-high");
    int size = 30_000;
    long lowJob = low.submit(urls(1_000_000, size), "extract=false&store=none&priority=1").getLong("id");
    long highJob = high.submit(urls(2_000_000, size), "extract=false&store=none&priority=3").getLong("id");
    // Measured between two points where both jobs run, so the head start of the first upload cancels
    // out. Both counts come from one statement: the API's job figures are cached per job for up to
    // 20 times what counting cost, so under load the two jobs' figures would be of different moments.
    awaitRecords(highJob, 3_000);
    Map<Long, Long> first = records(lowJob, highJob);
    awaitRecords(highJob, 15_000);
    Map<Long, Long> second = records(lowJob, highJob);

    long lowDid = second.get(lowJob) - first.get(lowJob);
    long highDid = second.get(highJob) - first.get(highJob);
    double ratio = (double) highDid / Math.max(1, lowDid);
    System.out.printf("FairClaimsTest: priority 3 did %d URLs while priority 1 did %d (ratio %.2f)%n", highDid,
        lowDid, ratio);
    assertThat(ratio).as("high-priority progress per low-priority URL (%d vs %d)", highDid, lowDid)
        .isBetween(3 * 0.8, 3 * 1.2);
    assertThat(low.delete("/v1/jobs/" + lowJob).status()).isEqualTo(200);
    assertThat(high.delete("/v1/jobs/" + highJob).status()).isEqualTo(200);
  }

  /** Records written for each job, counted in one statement so that both are of the same moment. */
  private static Map<Long, Long> records(long... jobIds) throws SQLException {
    Map<Long, Long> counts = new HashMap<>();
    try (Connection conn = TestDatabase.connect(node.databaseUrl()); Statement st = conn.createStatement()) {
      for (long id : jobIds) {
        counts.put(id, 0L);
      }
      String ids = Arrays.stream(jobIds).mapToObj(Long::toString).collect(Collectors.joining(","));
      try (ResultSet rows = st.executeQuery(
          "select job_id, count(*) from pages where job_id in (" + ids + ") group by job_id")) {
        while (rows.next()) {
          counts.put(rows.getLong(1), rows.getLong(2));
        }
      }
    }
    return counts;
  }

  /**
   * A job's records fetched by a moment: what it had done then, read from the records' own times, so
   * that neither polling delays nor the API's cached figures move it.
   */
  private static long recordsFetchedBy(long jobId, String instant) throws SQLException {
    try (Connection conn = TestDatabase.connect(node.databaseUrl());
        PreparedStatement st = conn.prepareStatement(
            "select count(*) from pages where job_id = ? and fetched_at <= ?::timestamptz")) {
      st.setLong(1, jobId);
      st.setString(2, instant);
      try (ResultSet rows = st.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private static void awaitRecords(long jobId, long atLeast) {
    await("job " + jobId + " reaching " + atLeast + " records").atMost(Duration.ofMinutes(5))
        .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
        .until(() -> records(jobId).get(jobId) >= atLeast);
  }
}
