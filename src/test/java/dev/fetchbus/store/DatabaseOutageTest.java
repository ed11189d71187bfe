package dev.fetchbus.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.CuttableProxy;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "An external database that goes away mid-job: claims pause, fetched records wait, nothing is fetched twice")
class DatabaseOutageTest {
  private static final int URLS = 300;
  private static final int CLAIM_BATCH = 20;

  @Test
  @DisplayName(
      "cut the database's connections mid-job, restore them: the job ends with every URL once, each requested once")
  void outageLosesNothingAndRefetchesNothing() throws Exception {
    String direct = TestDatabase.create();
    URI uri = URI.create(direct);
    try (OriginServer origin = OriginServer.start();
        CuttableProxy proxy = new CuttableProxy(uri.getHost(), uri.getPort())) {
      String viaProxy = direct.replace(":" + uri.getPort() + "/", ":" + proxy.port() + "/");
      JsonObject overlay = new JsonObject()
          .put("pg", new JsonObject().put("url", viaProxy))
          // a small leased set, so that claims (not only records in flight) matter during the cut
          .put("fetch", new JsonObject().put("maxInFlight", 4))
          .put("frontier", new JsonObject().put("claimBatch", CLAIM_BATCH).put("pollMs", 100));
      try (TestNode node = TestNode.start(overlay)) {
        run(node, origin, proxy);
      } finally {
        TestDatabase.drop(direct);
      }
    }
  }

  private void run(TestNode node, OriginServer origin, CuttableProxy proxy) {
    List<String> urls = IntStream.range(0, URLS).mapToObj(i -> origin.url("/slow/10/" + i)).toList();
    ApiClient api = node.admin();
    long jobId = api.submit(urls, "hostConcurrency=2").getLong("id");
    await().atMost(Duration.ofSeconds(60)).until(() -> done(api, jobId) >= 40);

    proxy.cut();
    // the node notices, and its probe keeps knocking while the database is away
    await().atMost(Duration.ofSeconds(30)).until(() -> node.anonymous().get("/ready").status() == 503);
    await().atMost(Duration.ofSeconds(30)).until(() -> proxy.refused() >= 4);
    long hitsDuringCut = origin.hits("/slow/");
    assertThat(hitsDuringCut).as("claims paused: no more than the leased set was fetched").isLessThan(URLS);

    proxy.restore();
    await().atMost(Duration.ofSeconds(120))
        .until(() -> "done".equals(api.get("/v1/jobs/" + jobId).json().getString("state")));
    JsonObject job = api.get("/v1/jobs/" + jobId).json();
    assertThat(job.getJsonObject("urls").getLong("done")).isEqualTo(URLS);
    assertThat(job.getJsonObject("urls").getLong("failed")).isZero();
    Set<String> seen = new HashSet<>();
    for (JsonObject record : api.get("/v1/jobs/" + jobId + "/results").ndjson()) {
      assertThat(seen.add(record.getString("url"))).as("one record for %s", record.getString("url")).isTrue();
      assertThat(record.getInteger("status")).isEqualTo(200);
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(urls);
    assertThat(origin.hits("/slow/")).as("every URL requested exactly once: the outage refetched nothing")
        .isEqualTo(URLS);
  }

  private static long done(ApiClient api, long jobId) {
    return api.get("/v1/jobs/" + jobId).json().getJsonObject("urls").getLong("done");
  }
}
