package dev.fetchbus.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A fetch's deadline covers it whole, from the wait for a connection to the last byte")
class DeadlineTest {
  @Test
  @DisplayName("a fetch still waiting for a pooled connection at its deadline is recorded as a timeout and never sent")
  void connectionAfterDeadline() {
    try (OriginServer origin = OriginServer.start();
        TestNode node = TestNode.start(new JsonObject().put("fetch", new JsonObject().put("poolPerHost", 1)
            .put("maxAttempts", 1)))) {
      ApiClient user = node.newUser("impatient");
      // one connection per host: the slow page takes it first, and the large page, started while the
      // slow one is in flight, waits for it past its 1 s deadline
      long slow = user.submit(List.of(origin.url("/slow/3000")), "robots=false").getLong("id");
      await().atMost(Duration.ofSeconds(30)).until(() -> origin.hits("/slow") == 1);
      long id = user.submit(List.of(origin.url("/large/1000000")), "robots=false&timeoutMs=1000&hostConcurrency=2")
          .getLong("id");
      user.awaitState(id, "done", Duration.ofSeconds(60));
      user.awaitState(slow, "done", Duration.ofSeconds(60));

      JsonObject large = user.get("/v1/jobs/" + id + "/results").ndjson().stream()
          .filter(r -> r.getString("url").contains("/large/")).findFirst().orElseThrow();
      assertThat(large.getJsonObject("error").getString("code")).isEqualTo("timeout");
      assertThat(origin.hits("/large")).as("the late request was given up, not sent").isZero();
      await().atMost(Duration.ofSeconds(10)).until(() -> buffered(node) == 0);
    }
  }

  private static double buffered(TestNode node) {
    for (String line : node.admin().get("/metrics").body().split("\n")) {
      if (line.startsWith("fetchbus_fetch_buffered_bytes ")) {
        return Double.parseDouble(line.substring(line.indexOf(' ') + 1));
      }
    }
    return -1;
  }
}
