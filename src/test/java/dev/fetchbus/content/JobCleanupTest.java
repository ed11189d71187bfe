package dev.fetchbus.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import dev.fetchbus.support.VersionedSite;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Jobs you can find and clean up: listing, purge, retention")
class JobCleanupTest {
  private static VersionedSite site;
  private static TestNode node;

  @BeforeAll
  static void start() {
    site = new VersionedSite(400);
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    node.close();
    site.close();
  }

  private static long job(ApiClient user, List<String> urls) {
    long id = user.submit(urls, "robots=false&hostConcurrency=16").getLong("id");
    user.awaitState(id, "done", Duration.ofMinutes(2));
    return id;
  }

  private static List<String> pages(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> site.url("/p/" + i)).toList();
  }

  private static long sql(TestNode on, String query) throws Exception {
    try (Connection conn = TestDatabase.connect(on.databaseUrl()); Statement st = conn.createStatement()) {
      if (!query.startsWith("select")) {
        st.execute(query);
        return 0;
      }
      try (ResultSet rows = st.executeQuery(query)) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  @Test
  @DisplayName("GET /v1/jobs lists the caller's jobs newest first, by state, a page at a time; an admin sees all")
  void listsJobs() {
    ApiClient alice = node.newUser("alice");
    ApiClient bob = node.newUser("bob");
    long a1 = job(alice, pages(0, 2));
    long a2 = job(alice, pages(2, 4));
    long a3 = job(alice, pages(4, 6));
    long b1 = job(bob, pages(6, 8));

    JsonObject first = alice.get("/v1/jobs?limit=2").json();
    assertThat(first.getJsonArray("jobs").stream().map(j -> ((JsonObject) j).getLong("id"))).containsExactly(a3, a2);
    JsonObject second = alice.get("/v1/jobs?limit=2&before=" + first.getLong("next")).json();
    assertThat(second.getJsonArray("jobs").stream().map(j -> ((JsonObject) j).getLong("id"))).containsExactly(a1);
    assertThat(second.getValue("next")).isNull();
    assertThat(alice.get("/v1/jobs?state=running").json().getJsonArray("jobs")).isEmpty();
    assertThat(alice.get("/v1/jobs?state=done").json().getJsonArray("jobs")).hasSize(3);
    assertThat(node.admin().get("/v1/jobs").json().getJsonArray("jobs").stream()
        .map(j -> ((JsonObject) j).getLong("id")))
        .contains(a1, a2, a3, b1);
    assertThat(alice.get("/v1/jobs?state=sleeping").status()).isEqualTo(400);
    assertThat(alice.get("/v1/jobs?limit=0").json().getString("error")).isEqualTo("bad_request");
    assertThat(node.anonymous().get("/v1/jobs").status()).isEqualTo(401);
  }

  @Test
  @DisplayName("a purge deletes an ended job's records and the bodies no other job uses, and frees their space")
  void purgeFreesSpaceAndLeavesNoOrphan() throws Exception {
    ApiClient user = node.newUser("purger");
    long shared = job(user, pages(100, 150));
    long purged = job(user, pages(100, 400)); // 50 bodies shared with the first job, 250 of its own
    sql(node, "vacuum bodies");
    long storedBefore = sql(node, "select sum(stored) from bodies");
    long sizeBefore = sql(node, "select pg_total_relation_size('bodies')");
    long bodiesBefore = sql(node, "select count(*) from bodies");

    ApiClient.Response done = user.delete("/v1/jobs/" + purged + "?purge=true");
    assertThat(done.status()).as(done.body()).isEqualTo(200);
    assertThat(done.json().getLong("records")).isEqualTo(300);
    assertThat(done.json().getLong("bodiesFreed")).isEqualTo(250);
    assertThat(user.get("/v1/jobs/" + purged).status()).isEqualTo(404);
    assertThat(sql(node, "select count(*) from bodies")).isEqualTo(bodiesBefore - 250);
    assertThat(sql(node, "select count(*) from bodies b where not exists "
        + "(select 1 from pages p where p.body_hash = b.hash)")).as("orphan bodies").isZero();
    assertThat(sql(node, "select count(*) from frontier where job_id = " + purged)).isZero();
    assertThat(sql(node, "select sum(stored) from bodies")).isLessThan(storedBefore);
    sql(node, "vacuum bodies");
    assertThat(sql(node, "select pg_total_relation_size('bodies')")).isLessThan(sizeBefore);

    long cursor = user.get("/v1/jobs/" + shared + "/results").ndjson().get(0).getLong("cursor");
    ApiClient.Bytes body = user.getBytes("/v1/jobs/" + shared + "/pages/" + cursor + "/body");
    assertThat(body.status()).as("a body the remaining job uses stays").isEqualTo(200);
  }

  @Test
  @DisplayName("a running job cannot be purged; another user's job is not found")
  void purgeRefusals() {
    ApiClient owner = node.newUser("owner");
    // two pages a minute apart: the job is still running whenever the purge arrives (one page alone
    // could be done before it on a loaded machine)
    long running = owner.submit(List.of(site.url("/p/1"), site.url("/p/2")), "robots=false&hostDelayMs=60000")
        .getLong("id");
    ApiClient.Response refused = owner.delete("/v1/jobs/" + running + "?purge=true");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().getString("error")).isEqualTo("conflict");
    assertThat(node.newUser("stranger").delete("/v1/jobs/" + running + "?purge=true").status()).isEqualTo(404);
    owner.delete("/v1/jobs/" + running);
  }

  @Test
  @DisplayName("job.retentionDays purges ended jobs in the background")
  void retention() throws Exception {
    try (TestNode retaining = TestNode.start(new JsonObject().put("job", new JsonObject().put("retentionDays", 1)
        .put("retentionSweepSeconds", 1)))) {
      ApiClient user = retaining.newUser("forgetful");
      long old = user.submit(pages(0, 5), "robots=false").getLong("id");
      user.awaitState(old, "done", Duration.ofMinutes(1));
      long recent = user.submit(pages(5, 10), "robots=false").getLong("id");
      user.awaitState(recent, "done", Duration.ofMinutes(1));
      sql(retaining, "update jobs set finished_at = now() - interval '2 days' where id = " + old);
      await().atMost(Duration.ofSeconds(30)).until(() -> user.get("/v1/jobs/" + old).status() == 404);
      assertThat(user.get("/v1/jobs/" + recent).status()).isEqualTo(200);
      assertThat(sql(retaining, "select count(*) from pages where job_id = " + old)).isZero();
    }
  }
}
