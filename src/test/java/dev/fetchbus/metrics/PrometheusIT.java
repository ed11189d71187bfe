package dev.fetchbus.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.MultiHostOrigin;
import dev.fetchbus.support.NodeProcess;
import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import dev.fetchbus.support.Tools;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The operators' real tools against two running nodes (jar processes sharing one PostgreSQL):
 * Prometheus (Debian's package) with a copy of conf/prometheus.yml that only swaps the targets,
 * the key file and the interval; promtool on that config and on a node's /metrics; every query of
 * conf/grafana/fetchbus.json against that Prometheus; and docs/metrics.md against what the nodes
 * export. Skipped with a message where Prometheus is not installed, except in CI.
 */
@DisplayName("Prometheus scrapes two nodes with conf/prometheus.yml, promtool passes, and every Grafana query answers")
class PrometheusIT {
  private static final String KEY = "prometheus-it-admin";
  private static final Path WORK = NodeProcess.jar().getParent().resolve("prometheus-it");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static Path prometheus;
  private static Path promtool;
  private static String database;
  private static MultiHostOrigin origin;
  private static final List<NodeProcess> nodes = new ArrayList<>();
  private static Process server;
  private static int serverPort;
  private static Path config;

  @BeforeAll
  static void start() throws Exception {
    Optional<Path> found = Tools.wanted("prometheus");
    Assumptions.assumeTrue(found.isPresent(), "Prometheus is not installed (Debian package prometheus): skipped");
    prometheus = found.get();
    promtool = Tools.wanted("promtool").orElseThrow();
    Files.createDirectories(WORK);
    database = TestDatabase.create();
    origin = new MultiHostOrigin(10, 5);
    for (int i = 0; i < 2; i++) {
      Map<String, String> env = new HashMap<>();
      env.put("FETCHBUS_PG_URL", database);
      env.put("FETCHBUS_ADMIN_KEY", KEY);
      env.put("FETCHBUS_FETCH_ALLOW_NETWORKS", "127.0.0.0/8");
      env.put("FETCHBUS_PG_POOL_SIZE", "6");
      nodes.add(NodeProcess.jar("node" + (i + 1), WORK, TestNode.freePort(), env));
    }
    nodes.forEach(node -> node.awaitReady(Duration.ofMinutes(3)));
    String scraperKey = ApiClient.of(nodes.get(0).httpPort(), KEY)
        .postJson("/v1/users", new JsonObject().put("name", "prometheus").put("role", "metrics")).json()
        .getString("key");
    Path keyFile = WORK.resolve("fetchbus.key");
    Files.writeString(keyFile, scraperKey);
    config = WORK.resolve("prometheus.yml");
    Files.writeString(config, scrapeConfig(Files.readString(Path.of("conf/prometheus.yml")), keyFile));
    serverPort = TestNode.freePort();
    server = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + WORK.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + serverPort)
        .redirectErrorStream(true).redirectOutput(WORK.resolve("prometheus.log").toFile()).start();
    await().atMost(Duration.ofMinutes(1)).ignoreExceptions().until(() -> get("/-/ready").statusCode() == 200);
  }

  /** conf/prometheus.yml with only its targets, key file and interval swapped for this test's. */
  static String scrapeConfig(String shipped, Path keyFile) {
    String targets = nodes.stream().map(n -> "          - 127.0.0.1:" + n.httpPort()).reduce((a, b) -> a + "\n" + b)
        .orElseThrow();
    String swapped = shipped.replaceFirst("scrape_interval: \\d+s", "scrape_interval: 1s")
        .replace("/etc/prometheus/fetchbus.key", keyFile.toString())
        .replaceFirst("(?m)(^ {10}- 127\\.0\\.0\\.1:\\d+\\n?)+", Matcher.quoteReplacement(targets + "\n"));
    assertThat(swapped).as("the shipped config still has the shape this test swaps in")
        .contains("scrape_interval: 1s").contains(keyFile.toString()).contains(targets);
    return swapped;
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.destroy();
    }
    nodes.forEach(NodeProcess::close);
    if (origin != null) {
      origin.close();
    }
    if (database != null) {
      TestDatabase.drop(database);
    }
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serverPort + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject query(String promql) throws Exception {
    HttpResponse<String> answer = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    return new JsonObject(answer.body());
  }

  @Test
  @DisplayName("promtool passes the config and a node's /metrics")
  void promtool() throws Exception {
    Tools.Result checked = Tools.run(WORK, List.of(promtool.toString(), "check", "config", config.toString()));
    assertThat(checked.exit()).as(checked.out() + checked.err()).isZero();
    String metrics = ApiClient.of(nodes.get(0).httpPort(), KEY).get("/metrics").body();
    Tools.Result linted = Tools.run(WORK, List.of(promtool.toString(), "check", "metrics"),
        metrics.getBytes(StandardCharsets.UTF_8));
    assertThat(linted.exit()).as(linted.out() + linted.err()).isZero();
  }

  @Test
  @DisplayName("during a job, Prometheus has a pages/s series for each node, and every Grafana query answers with data")
  void scrapesBothNodes() throws Exception {
    ApiClient api = ApiClient.of(nodes.get(0).httpPort(), KEY);
    // paced (10 hosts, one request each per 50 ms: about 20 s) so that the job is still running, with
    // URLs under way, when Prometheus has scraped it and every query below runs; unpaced it could end first
    long job = api.submit(IntStream.range(0, 4000).mapToObj(origin::url).toList(), "store=none&hostDelayMs=50")
        .getLong("id");
    String rate = "sum by (instance) (rate(fetchbus_pages_total[10s]))";
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
        .until(() -> query(rate).getJsonObject("data").getJsonArray("result").size() == 2);
    Set<String> instances = new TreeSet<>();
    query(rate).getJsonObject("data").getJsonArray("result")
        .forEach(series -> instances.add(((JsonObject) series).getJsonObject("metric").getString("instance")));
    assertThat(instances).containsExactlyInAnyOrder(
        "127.0.0.1:" + nodes.get(0).httpPort(), "127.0.0.1:" + nodes.get(1).httpPort());

    JsonObject dashboard = new JsonObject(Files.readString(Path.of("conf/grafana/fetchbus.json")));
    List<String> expressions = expressions(dashboard);
    assertThat(expressions).as("queries in the Grafana dashboard").hasSizeGreaterThanOrEqualTo(8);
    for (String expr : expressions) {
      String promql = expr.replace("$__rate_interval", "10s").replace("$__interval", "5s")
          .replace("$instance", ".*");
      JsonObject answer = query(promql);
      assertThat(answer.getString("status")).as("%s: %s", expr, answer.encode()).isEqualTo("success");
      assertThat(answer.getJsonObject("data").getJsonArray("result")).as("series for %s", expr).isNotEmpty();
    }
    api.awaitState(job, "done", Duration.ofMinutes(3));
  }

  @Test
  @DisplayName("docs/metrics.md names every metric family the nodes export")
  void catalogueIsComplete() throws Exception {
    String metrics = ApiClient.of(nodes.get(0).httpPort(), KEY).get("/metrics").body();
    String catalogue = Files.readString(Path.of("docs/metrics.md"));
    Matcher families = Pattern.compile("(?m)^# TYPE (\\S+) ").matcher(metrics);
    List<String> missing = new ArrayList<>();
    while (families.find()) {
      String family = families.group(1);
      if (!catalogue.contains("`" + family + "`") && !coveredByPrefix(catalogue, family)) {
        missing.add(family);
      }
    }
    assertThat(missing).as("metric families not in docs/metrics.md").isEmpty();
  }

  /** A catalogue row like {@code `jvm_gc_*`} covers a family of library metrics. */
  private static boolean coveredByPrefix(String catalogue, String family) {
    Matcher prefixes = Pattern.compile("`([a-z_]+)\\*`").matcher(catalogue);
    while (prefixes.find()) {
      if (family.startsWith(prefixes.group(1))) {
        return true;
      }
    }
    return false;
  }

  /** Every {@code expr} of the dashboard's panels' targets. */
  static List<String> expressions(JsonObject dashboard) {
    List<String> found = new ArrayList<>();
    collect(dashboard, found);
    return found;
  }

  private static void collect(Object node, List<String> found) {
    if (node instanceof JsonObject object) {
      object.forEach(entry -> {
        if (entry.getKey().equals("expr") && entry.getValue() instanceof String expr) {
          found.add(expr);
        } else {
          collect(entry.getValue(), found);
        }
      });
    } else if (node instanceof JsonArray array) {
      array.forEach(item -> collect(item, found));
    }
  }
}
