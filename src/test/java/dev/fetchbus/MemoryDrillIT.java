package dev.fetchbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.NodeLives;
import dev.fetchbus.support.NodeProcess;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The out-of-memory job of issue #11 against the packaged jar on the launchers' own flags
 * ({@code -Xmx256m -XX:+ExitOnOutOfMemoryError}): many concurrent responses of the largest body a
 * job may ask for, incompressible, so that neither compression nor dedupe makes them small. The
 * node must stay up and finish the job; and settings that cannot fit the heap must stop it at
 * startup with a message, not crash it later.
 */
@DisplayName(
    "Memory drills on the shipped flags: the node survives the largest bodies, and refuses settings that cannot fit")
class MemoryDrillIT {
  private static final int URLS = 48;
  private static final int CONCURRENCY = 16;
  /** Just under the default job.maxBodyBytes (8 MiB), so each body is kept whole. */
  private static final int BODY = 8_000_000;

  @Test
  @DisplayName(
      "48 incompressible 8 MB bodies, 16 at a time, bodies stored: the node stays up and records every URL once")
  void largestBodiesDoNotCrashTheNode() throws Exception {
    Vertx vertx = Vertx.vertx();
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger maxConcurrent = new AtomicInteger();
    HttpServer origin = TestNode.await(vertx.createHttpServer().requestHandler(req -> {
      if (!req.path().startsWith("/big/")) {
        req.response().setStatusCode(404).end();
        return;
      }
      maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
      byte[] body = new byte[BODY];
      new Random(req.path().hashCode()).nextBytes(body); // distinct per URL: no dedupe
      // headers first, the body a little later: the responses of one wave overlap
      req.response().putHeader("Content-Type", "application/octet-stream").setChunked(true).write(Buffer.buffer(16));
      vertx.setTimer(200,
          t -> req.response().end(Buffer.buffer(body)).onComplete(done -> concurrent.decrementAndGet()));
    }).listen(0, "127.0.0.1"));
    try (NodeLives lives = new NodeLives("memory-drill-it")) {
      lives.run(() -> drill(lives, origin.actualPort(), maxConcurrent));
    } finally {
      TestNode.await(vertx.close());
    }
  }

  private void drill(NodeLives lives, int originPort, AtomicInteger maxConcurrent) {
    int port = TestNode.freePort();
    NodeProcess node = lives.start(1, port, Map.of(), NodeProcess.SHIPPED_FLAGS);
    ApiClient api = ApiClient.of(port, NodeLives.ADMIN_KEY);
    List<String> urls = IntStream.range(0, URLS).mapToObj(i -> "http://127.0.0.1:" + originPort + "/big/" + i).toList();
    JsonObject job = api.submit(urls, "hostConcurrency=" + CONCURRENCY + "&maxBodyBytes=8388608");
    long jobId = job.getLong("id");
    JsonObject done = NodeLives.poll("job " + jobId + " to end", Duration.ofMinutes(5), node, () -> {
      JsonObject seen = api.get("/v1/jobs/" + jobId).json();
      return "done".equals(seen.getString("state")) ? Optional.of(seen) : Optional.empty();
    });
    String metrics = api.get("/metrics").body();
    System.out.printf("MemoryDrillIT: job %s; origin saw up to %d responses at once; %s%n", done.getJsonObject("urls"),
        maxConcurrent.get(), metrics.lines().filter(l -> l.startsWith("fetchbus_fetch_buffered_bytes")).toList());
    assertThat(node.alive()).as("the node survived on -Xmx256m").isTrue();
    assertThat(node.log()).doesNotContain("OutOfMemoryError");
    assertThat(done.getJsonObject("urls").getLong("done")).isEqualTo(URLS);
    Set<String> seen = new HashSet<>();
    for (JsonObject record : api.get("/v1/jobs/" + jobId + "/results").ndjson()) {
      assertThat(seen.add(record.getString("url"))).isTrue();
      assertThat(record.getInteger("status")).isEqualTo(200);
      assertThat(record.getLong("bytes")).isEqualTo(BODY);
      assertThat(record.getBoolean("bodyStored")).isTrue();
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(urls);
  }

  @Test
  @DisplayName("job.maxBodyBytes of 64 MiB on -Xmx256m: the node refuses to start, saying what does not fit")
  void unfitSettingsStopTheStart() throws Exception {
    try (NodeLives lives = new NodeLives("memory-refusal-it")) {
      Map<String, String> env = Map.of("FETCHBUS_DATA_DIR", lives.workDir().resolve("refused-data").toString(),
          "FETCHBUS_JOB_MAX_BODY_BYTES", String.valueOf(64 << 20), "FETCHBUS_ADMIN_KEY", NodeLives.ADMIN_KEY);
      NodeProcess node =
          NodeProcess.jar("refused", lives.workDir(), TestNode.freePort(), env, NodeProcess.SHIPPED_FLAGS);
      try {
        await().atMost(Duration.ofMinutes(2)).until(() -> !node.alive());
        assertThat(node.exitValue()).as("exit status").isNotZero();
        assertThat(node.log()).contains("These settings need about").contains("FETCHBUS_JOB_MAX_BODY_BYTES");
        // refused before anything started: no embedded database outlives the refusal
        assertThat(lives.workDir().resolve("refused-data/pg/postmaster.pid")).doesNotExist();
      } finally {
        node.close();
      }
    }
  }
}
