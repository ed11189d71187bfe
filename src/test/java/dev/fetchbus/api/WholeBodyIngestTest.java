package dev.fetchbus.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code tuning.ingest=whole}, the streamed upload's baseline in docs/experiments.md: the same
 * job comes out of it (same URLs, blank and comment lines skipped, duplicates counted), only the
 * memory it took differs, which the experiment measures.
 */
@DisplayName("Whole-body ingest (the experiments' baseline) makes the same job as the streamed one")
class WholeBodyIngestTest {
  @Test
  @DisplayName("an upload of 2,500 lines read whole: every URL queued once and fetched, blanks and comments skipped")
  void sameJobAsStreamed() {
    OriginServer origin = OriginServer.start();
    TestNode node = TestNode.start(new JsonObject().put("tuning", new JsonObject().put("ingest", "whole")));
    try {
      List<String> urls = IntStream.range(0, 2_400).mapToObj(i -> origin.url("/page/whole" + i)).toList();
      List<String> lines = new ArrayList<>(urls);
      lines.addAll(List.of("", "# a comment", "  "));
      lines.addAll(urls.subList(0, 97)); // duplicates: 2,500 URL lines in all
      ApiClient admin = node.admin();
      ApiClient.Response created = admin.post("/v1/jobs", "text/plain", String.join("\r\n", lines) + "\n");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      assertThat(created.json().getLong("accepted")).isEqualTo(2_400);
      long id = created.json().getLong("id");
      admin.awaitState(id, "done", Duration.ofMinutes(2));
      assertThat(admin.get("/v1/jobs/" + id + "/results").ndjson()).extracting(r -> r.getString("url"))
          .containsExactlyInAnyOrderElementsOf(urls);
    } finally {
      node.close();
      origin.close();
    }
  }
}
