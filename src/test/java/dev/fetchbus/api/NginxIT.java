package dev.fetchbus.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.MultiHostOrigin;
import dev.fetchbus.support.NodeProcess;
import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import dev.fetchbus.support.Tools;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * nginx (Debian's) with a copy of conf/nginx.conf that only swaps the ports, in front of two API
 * nodes (jar processes sharing one PostgreSQL): requests are spread, an SSE stream and a 100 MB
 * streamed upload pass through intact, and kill -9 of a node loses no accepted request. Skipped
 * with a message where nginx is not installed, except in CI.
 */
@DisplayName("nginx with conf/nginx.conf in front of two nodes")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NginxIT {
  private static final String KEY = "nginx-it-admin";
  private static final Path WORK = NodeProcess.jar().getParent().resolve("nginx-it");
  private static final Pattern REQUESTS =
      Pattern.compile("(?m)^vertx_http_server_requests_total\\{[^}]*\\} ([0-9.eE+]+)$");
  private static String database;
  private static MultiHostOrigin origin;
  private static final List<NodeProcess> nodes = new ArrayList<>();
  private static Process nginx;
  private static int port;
  private static ApiClient front;

  @BeforeAll
  static void start() throws Exception {
    Optional<Path> binary = Tools.wanted("nginx");
    Assumptions.assumeTrue(binary.isPresent(), "nginx is not installed (Debian package nginx): skipped");
    Files.createDirectories(WORK.resolve("logs"));
    database = TestDatabase.create();
    origin = new MultiHostOrigin(4, 200);
    for (int i = 0; i < 2; i++) {
      nodes.add(startNode(i));
    }
    nodes.forEach(node -> node.awaitReady(Duration.ofMinutes(3)));
    port = TestNode.freePort();
    Path config = WORK.resolve("nginx.conf");
    Files.writeString(config, swapPorts(Files.readString(Path.of("conf/nginx.conf"))));
    Tools.Result checked =
        Tools.run(WORK, List.of(binary.get().toString(), "-t", "-c", config.toString(), "-p", WORK + "/"));
    assertThat(checked.exit()).as("nginx -t: " + checked.err()).isZero();
    nginx = new ProcessBuilder(binary.get().toString(), "-c", config.toString(), "-p", WORK + "/", "-g", "daemon off;")
        .redirectErrorStream(true).redirectOutput(WORK.resolve("nginx.out").toFile()).start();
    front = ApiClient.of(port, KEY);
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> front.get("/ready").status() == 200);
  }

  private static NodeProcess startNode(int i) {
    Map<String, String> env = new HashMap<>();
    env.put("FETCHBUS_PG_URL", database);
    env.put("FETCHBUS_ADMIN_KEY", KEY);
    env.put("FETCHBUS_FETCH_ALLOW_NETWORKS", "127.0.0.0/8");
    env.put("FETCHBUS_FRONTIER_LEASE_SECONDS", "4");
    env.put("FETCHBUS_PG_POOL_SIZE", "6");
    env.put("FETCHBUS_HTTP_INSTANCES", "1");
    return NodeProcess.jar("node" + (i + 1) + "-" + System.nanoTime(), WORK, TestNode.freePort(), env);
  }

  /** conf/nginx.conf with its upstream servers and listen port swapped for this test's, and nothing else. */
  static String swapPorts(String shipped) {
    Matcher servers = Pattern.compile("(?m)^ {4}server 127\\.0\\.0\\.1:\\d+ (.*)$").matcher(shipped);
    assertThat(servers.find()).as("conf/nginx.conf has upstream servers on 127.0.0.1").isTrue();
    String options = servers.group(1);
    String upstream = nodes.stream().map(n -> "    server 127.0.0.1:" + n.httpPort() + " " + options)
        .reduce((a, b) -> a + "\n" + b).orElseThrow();
    String swapped = shipped.replaceAll("(?m)^ {4}server 127\\.0\\.0\\.1:\\d+ .*\\n", "")
        .replaceFirst("(?m)^( {2}upstream fetchbus_api \\{\\n(?: {4}#.*\\n)*(?: {4}least_conn;\\n)?)",
            "$1" + Matcher.quoteReplacement(upstream + "\n"))
        .replaceFirst("listen 127\\.0\\.0\\.1:\\d+;", "listen 127.0.0.1:" + port + ";");
    assertThat(swapped).contains(upstream).contains("listen 127.0.0.1:" + port + ";");
    return swapped;
  }

  @AfterAll
  static void stop() {
    if (nginx != null) {
      nginx.destroy();
    }
    nodes.forEach(NodeProcess::close);
    if (origin != null) {
      origin.close();
    }
    if (database != null) {
      TestDatabase.drop(database);
    }
  }

  private static double servedBy(NodeProcess node) {
    Matcher m = REQUESTS.matcher(ApiClient.of(node.httpPort(), KEY).get("/metrics").body());
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }

  @Test
  @Order(1)
  @DisplayName("requests through nginx reach both nodes")
  void spreads() {
    double[] before = {servedBy(nodes.get(0)), servedBy(nodes.get(1))};
    for (int i = 0; i < 40; i++) {
      assertThat(front.get("/v1/me").status()).isEqualTo(200);
    }
    // each node also answered the one /metrics read above: more than that came through nginx
    assertThat(servedBy(nodes.get(0)) - before[0]).as("requests node 1 served").isGreaterThanOrEqualTo(5);
    assertThat(servedBy(nodes.get(1)) - before[1]).as("requests node 2 served").isGreaterThanOrEqualTo(5);
  }

  @Test
  @Order(2)
  @DisplayName("a job's SSE stream arrives through nginx event by event, while the job runs, and ends with the job")
  void serverSentEvents() throws Exception {
    long job = front.submit(IntStream.range(0, 80).mapToObj(origin::url).toList(), "hostConcurrency=1&store=none")
        .getLong("id");
    HttpResponse<InputStream> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/v1/jobs/" + job + "/events"))
        .header("Authorization", "Bearer " + KEY).timeout(Duration.ofMinutes(2)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    List<String> events = new ArrayList<>();
    boolean sawRunning = false;
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith("event: ")) {
          events.add(line.substring(7));
        }
        if (line.startsWith("data: ") && events.get(events.size() - 1).equals("progress")
            && !"done".equals(new JsonObject(line.substring(6)).getString("state"))) {
          // this event reached the client before the job ended: nginx did not hold the stream back
          sawRunning |= !"done".equals(front.get("/v1/jobs/" + job).json().getString("state"));
        }
        if (events.contains("end") && line.isEmpty()) {
          break;
        }
      }
    }
    assertThat(sawRunning).as("a progress event arrived while the job was still running").isTrue();
    assertThat(events).contains("progress").endsWith("end");
    assertThat(front.get("/v1/jobs/" + job).json().getString("state")).isEqualTo("done");
  }

  @Test
  @Order(3)
  @DisplayName("a 100 MB URL list streams through nginx intact: every line is counted, accepted or rejected")
  void largeUpload() throws Exception {
    int valid = 1000;
    String filler = "this line is not a URL, and is counted as rejected by the upload " + "x".repeat(40) + "\n";
    long fillerLines = (100L << 20) / filler.length();
    Iterable<byte[]> body = () -> new Iterator<>() {
      long sent;

      @Override
      public boolean hasNext() {
        return sent < valid + fillerLines;
      }

      @Override
      public byte[] next() {
        StringBuilder chunk = new StringBuilder();
        for (int i = 0; i < 1000 && hasNext(); i++, sent++) {
          chunk.append(sent < valid ? origin.url(1_000_000 + (int) sent) + "\n" : filler);
        }
        return chunk.toString().getBytes(StandardCharsets.UTF_8);
      }
    };
    HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/v1/jobs?store=none"))
        .header("Authorization", "Bearer " + KEY).header("Content-Type", "text/plain")
        .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.ofByteArrays(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject job = new JsonObject(created.body());
    System.out.printf("NginxIT: %d lines (%d MB) uploaded through nginx: %d accepted, %d rejected%n",
        valid + fillerLines, (valid * 40L + fillerLines * filler.length()) >> 20, job.getLong("accepted"),
        job.getLong("rejected"));
    assertThat(job.getLong("accepted")).isEqualTo(valid);
    assertThat(job.getLong("rejected")).isEqualTo(fillerLines);
    front.delete("/v1/jobs/" + job.getLong("id"));
  }

  @Test
  @Order(4)
  @DisplayName(
      "kill -9 of a node mid-traffic: every GET answers (nginx "
          + "retries it), every job answered 201 exists and completes")
  void nodeKilled() {
    List<Long> accepted = new ArrayList<>();
    int failedGets = 0;
    for (int i = 0; i < 60; i++) {
      if (i == 20) {
        nodes.get(1).kill();
      }
      if (front.get("/v1/me").status() != 200) {
        failedGets++;
      }
      if (i % 4 == 0) {
        submitWithRetries(List.of(origin.url(2_000_000 + i))).ifPresent(accepted::add);
      }
    }
    assertThat(failedGets).as("GETs that did not answer 200 while a node died").isZero();
    assertThat(accepted).hasSize(15);
    for (long job : accepted) {
      assertThat(front.awaitState(job, "done", Duration.ofMinutes(2)).getJsonObject("urls").getLong("done"))
          .as("job %d", job).isEqualTo(1);
    }
  }

  /**
   * A client's retry of a POST that got no answer: a 502 means nginx could not reach a node, so nothing was accepted.
   */
  private static Optional<Long> submitWithRetries(List<String> urls) {
    for (int attempt = 0; attempt < 3; attempt++) {
      ApiClient.Response answer = front.post("/v1/jobs?store=none", "text/plain", String.join("\n", urls) + "\n");
      if (answer.status() == 201) {
        return Optional.of(answer.json().getLong("id"));
      }
      assertThat(answer.status()).as(answer.body()).isIn(502, 503, 504);
    }
    return Optional.empty();
  }
}
