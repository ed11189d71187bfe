package dev.fetchbus.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.config.Settings;
import dev.fetchbus.content.BodyBudget;
import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Large bodies arriving together stay within fetch.maxBufferedBytes (plus the one body allowed to
 * run over and a chunk per paused response), and every one of them is still fetched whole.
 */
@DisplayName("Buffered body bytes are bounded node-wide")
class BufferedBodiesTest {
  private static final int HALF = 256 * 1024;
  private static final int BODY = 2 * HALF;
  private static final int LIMIT = 1024 * 1024;
  private static final int URLS = 24;
  private static final Vertx origin = Vertx.vertx();
  private static HttpServer server;
  private static TestNode node;
  private static JsonObject overlay;

  /** Each body comes in two halves 300 ms apart, so all the fetches hold half a body at the same time. */
  @BeforeAll
  static void start() {
    Buffer half = Buffer.buffer(new byte[HALF]);
    server = TestNode.await(origin.createHttpServer().requestHandler(req -> {
      if (req.path().equals("/robots.txt")) {
        req.response().setStatusCode(404).end();
        return;
      }
      req.response().putHeader("Content-Type", "application/octet-stream").setChunked(true).write(half);
      origin.setTimer(300, t -> req.response().end(half));
    }).listen(0, "127.0.0.1"));
    overlay = new JsonObject().put("fetch", new JsonObject().put("maxBufferedBytes", LIMIT));
    node = TestNode.start(overlay);
  }

  @AfterAll
  static void stop() {
    node.close();
    TestNode.await(origin.close());
  }

  @Test
  @DisplayName(
      "24 concurrent 512 KB bodies with a 1 MB budget: all fetched "
          + "whole, never more than the bound held, all given back")
  void concurrentLargeBodies() {
    ApiClient user = node.newUser("big-bodies");
    List<String> urls = IntStream.range(0, URLS)
        .mapToObj(i -> "http://127.0.0.1:" + server.actualPort() + "/big/" + i).toList();
    long id = user.submit(urls, "hostConcurrency=" + URLS).getLong("id");
    user.awaitState(id, "done", Duration.ofMinutes(2));

    List<JsonObject> records = user.get("/v1/jobs/" + id + "/results").ndjson();
    assertThat(records).hasSize(URLS).allSatisfy(r -> {
      assertThat(r.getInteger("status")).isEqualTo(200);
      assertThat(r.getValue("error")).isNull();
      assertThat(r.getLong("bytes")).isEqualTo(BODY);
    });
    BodyBudget budget = FetcherVerticle.bodyBudget(node.vertx(), Settings.load(overlay).fetch());
    long slackPerPausedResponse = 64 * 1024;
    System.out.printf("BufferedBodiesTest: at most %d body bytes held (limit %d)%n", budget.highWater(), LIMIT);
    assertThat(budget.highWater())
        .as("the budget was reached (the test applies pressure)").isGreaterThanOrEqualTo(LIMIT)
        // what the budget counts for a body: twice its bytes while read (a growing buffer copies
        // itself), twice again while hashed and compressed. Over the limit: the one reader that may
        // run over it (4 bodies' worth), a body completing as the limit is reached (2), and one
        // chunk, counted twice, per paused response
        .as("limit + the runner's body + one completing body + a chunk per paused response")
        .isLessThanOrEqualTo(LIMIT + 6L * BODY + URLS * 2L * slackPerPausedResponse);
    assertThat(budget.held()).as("every byte given back").isZero();
  }
}
