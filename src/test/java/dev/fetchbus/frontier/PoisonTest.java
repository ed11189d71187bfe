package dev.fetchbus.frontier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import dev.fetchbus.support.VersionedSite;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A URL whose every attempt died with its node (its leases ran out, never reported) is recorded
 * as {@code poison} once it has been claimed more than fetch.maxAttempts times, without another
 * fetch: a page that crashes nodes cannot be claimed forever.
 */
@DisplayName("Poison: a URL claimed past fetch.maxAttempts without an attempt finishing is recorded, not fetched")
class PoisonTest {
  private static VersionedSite site;
  private static TestNode node;

  @BeforeAll
  static void start() {
    site = new VersionedSite(10);
    node = TestNode.start(new JsonObject().put("fetch", new JsonObject().put("maxAttempts", 2)));
  }

  @AfterAll
  static void stop() {
    node.close();
    site.close();
  }

  @Test
  @DisplayName("the URL's queue row says 2 claims that never finished: the next claim records it as poison")
  void poisonedUrl() throws Exception {
    ApiClient user = node.newUser("poisoner");
    long job = user.submit(List.of(site.url("/p/1"), site.url("/p/2")), "robots=false").getLong("id");
    user.awaitState(job, "done", Duration.ofMinutes(1));
    int fetchedBefore = site.fullAnswers("/p/2");
    // as if two nodes had claimed /p/2 and died with it in flight: its record never written
    try (Connection conn = TestDatabase.connect(node.databaseUrl()); Statement st = conn.createStatement()) {
      st.execute("with p as (delete from pages where job_id = " + job + " and final_url like '%/p/2' returning url_id) "
          + "insert into queue (url_id, job_id, partition, attempts) "
          + "select f.id, f.job_id, f.partition, 2 from frontier f join p on p.url_id = f.id");
      st.execute("update jobs set state = 'running', finished_at = null where id = " + job);
    }
    await().atMost(Duration.ofSeconds(30))
        .until(() -> "done".equals(user.get("/v1/jobs/" + job).json().getString("state")));

    JsonObject record = user.get("/v1/jobs/" + job + "/results").ndjson().stream()
        .filter(r -> r.getString("url").endsWith("/p/2")).findFirst().orElseThrow();
    assertThat(record.getJsonObject("error").getString("code")).isEqualTo("poison");
    assertThat(record.getInteger("attempts")).isEqualTo(3);
    assertThat(site.fullAnswers("/p/2")).as("no further fetch of the poisoned URL").isEqualTo(fetchedBefore);
  }
}
