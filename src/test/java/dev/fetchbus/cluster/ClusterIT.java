package dev.fetchbus.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.MultiHostOrigin;
import dev.fetchbus.support.NodeProcess;
import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import dev.fetchbus.support.VersionedSite;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three fetchbus JVMs clustered over Hazelcast on loopback, sharing one real PostgreSQL: work is
 * spread by host partition, per-host limits hold cluster-wide, and a node killed (-9) or frozen
 * (SIGSTOP) mid-job costs neither a record nor a duplicate. Node logs: target/cluster-it/.
 */
@DisplayName("A three-node cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  private static final String KEY = "cluster-it-admin";
  private static final int HOSTS = 60;
  private static final int HOST_LIMIT = 2;
  private static final Path LOGS = NodeProcess.jar().getParent().resolve("cluster-it");
  private static final Pattern REMOTE = Pattern.compile(
      "^vertx_eventbus_(?:sent|published)_total\\{side=\"remote\"\\} ([0-9.eE+]+)$", Pattern.MULTILINE);
  private static final Pattern PAGES =
      Pattern.compile("^fetchbus_pages_total\\{[^}]*\\} ([0-9.eE+]+)$", Pattern.MULTILINE);

  private static String database;
  private static MultiHostOrigin origin;
  private static final List<NodeProcess> nodes = new ArrayList<>();
  private static final List<NodeProcess> extras = new ArrayList<>();
  private static int[] httpPorts;
  private static int[] hazelcastPorts;
  private static int[] eventBusPorts;

  @BeforeAll
  static void startCluster() {
    database = TestDatabase.create();
    origin = new MultiHostOrigin(HOSTS, 5);
    httpPorts = ports(4);
    hazelcastPorts = ports(4);
    eventBusPorts = ports(4);
    for (int i = 0; i < 3; i++) {
      nodes.add(startNode(i, i == 0 ? "api,fetch" : "fetch"));
    }
    nodes.forEach(node -> node.awaitReady(Duration.ofMinutes(3)));
    awaitClusterOf(3);
  }

  @AfterAll
  static void stopCluster() {
    extras.forEach(NodeProcess::close);
    nodes.forEach(NodeProcess::close);
    if (origin != null) {
      origin.close();
    }
    if (database != null) {
      TestDatabase.drop(database);
    }
  }

  @Test
  @Order(1)
  @DisplayName(
      "spreads a 20,000-URL job over 60 hosts across all nodes: each URL once, host limit held, bus traffic tiny")
  void spreadsWork() {
    double remoteBefore = sum(REMOTE);
    List<String> urls = IntStream.range(0, 20_000).mapToObj(origin::url).toList();
    long id = api().submit(urls, "hostConcurrency=" + HOST_LIMIT).getLong("id");
    api().awaitState(id, "done", Duration.ofMinutes(8));

    assertExactlyOnce(id, urls);
    for (NodeProcess node : nodes) {
      assertThat(sumOf(node, PAGES)).as("pages fetched by the node on port %d", node.httpPort()).isPositive();
    }
    assertThat(origin.maxConcurrentPerHost()).as("most concurrent requests one host saw")
        .isLessThanOrEqualTo(HOST_LIMIT);
    double perUrl = (sum(REMOTE) - remoteBefore) / urls.size();
    System.out.printf(
        "ClusterIT: pages per node %s, most concurrent requests per host %d, cross-node messages per URL %.5f%n",
        nodes.stream().map(node -> String.valueOf((long) sumOf(node, PAGES))).toList(), origin.maxConcurrentPerHost(),
        perUrl);
    assertThat(perUrl).as("cross-node event-bus messages per fetched URL").isLessThanOrEqualTo(0.01);
  }

  @Test
  @Order(2)
  @DisplayName("finishes a job when a node is killed with -9 mid-job, with no record lost or doubled")
  void survivesKill() {
    List<String> urls = IntStream.range(100_000, 106_000).mapToObj(origin::url).toList();
    long id = api().submit(urls, "hostConcurrency=1").getLong("id");
    awaitProgress(id, 600);
    nodes.get(2).kill();
    api().awaitState(id, "done", Duration.ofMinutes(6));
    assertExactlyOnce(id, urls);

    nodes.set(2, startNode(2, "fetch"));
    nodes.get(2).awaitReady(Duration.ofMinutes(3));
    awaitClusterOf(3);
  }

  @Test
  @Order(3)
  @DisplayName("finishes a job when a node is frozen (SIGSTOP) past failure detection, with no record lost or doubled")
  void survivesFreeze() {
    List<String> urls = IntStream.range(200_000, 206_000).mapToObj(origin::url).toList();
    long id = api().submit(urls, "hostConcurrency=1").getLong("id");
    awaitProgress(id, 600);
    NodeProcess frozen = nodes.get(1);
    String frozenId = ApiClient.of(frozen.httpPort(), KEY).get("/ops/stats").json().getString("node");
    assertThat(frozenId).as("the node id of the node to freeze").isNotBlank();
    frozen.freeze();
    awaitTakenOver(frozen, frozenId, id);
    frozen.thaw();
    api().awaitState(id, "done", Duration.ofMinutes(6));
    assertExactlyOnce(id, urls);
    // the woken node merges back: it neither stays alone nor exits
    await("the woken node to be ready in a cluster of 3").atMost(Duration.ofMinutes(3)).pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(250)).ignoreExceptionsInstanceOf(IllegalStateException.class)
        .untilAsserted(() -> {
          assertThat(frozen.alive()).as("the woken node is running").isTrue();
          ApiClient.Response ready = ApiClient.of(frozen.httpPort(), null).get("/ready");
          assertThat(ready.status()).as(ready.body()).isEqualTo(200);
          assertThat(ready.json().getInteger("clusterNodes")).as(ready.body()).isEqualTo(3);
        });
  }

  @Test
  @Order(4)
  @DisplayName("an API-only node deployed with scripts/vertx run takes jobs that the fetch nodes fetch")
  void apiOnlyNode() {
    Map<String, String> env = env(3);
    env.put("FETCHBUS_NODE_ROLES", "api");
    NodeProcess apiOnly = NodeProcess.vertxRun("api-only", LOGS, httpPorts[3], env, "ApiVerticle", "-cluster",
        "-instances", "2");
    extras.add(apiOnly);
    apiOnly.awaitReady(Duration.ofMinutes(3));
    ApiClient client = ApiClient.of(httpPorts[3], KEY);
    List<String> urls = IntStream.range(300_000, 300_500).mapToObj(origin::url).toList();
    long id = client.submit(urls, null).getLong("id");
    client.awaitState(id, "done", Duration.ofMinutes(3));
    List<JsonObject> records = client.get("/v1/jobs/" + id + "/results").ndjson();
    assertThat(records).hasSize(urls.size());
    assertThat(sumOf(apiOnly, PAGES)).as("pages fetched by the API-only node").isZero();
    // a node that fetched none of the job's pages serves their bodies, its WARC and its CDXJ index
    for (JsonObject record : records.subList(0, 20)) {
      ApiClient.Bytes body = client.getBytes("/v1/jobs/" + id + "/pages/" + record.getLong("cursor") + "/body");
      assertThat(body.status()).isEqualTo(200);
      assertThat(VersionedSite.sha256(body.body())).isEqualTo(record.getString("contentHash"));
    }
    assertThat(client.getBytes("/v1/jobs/" + id + "/warc").body()).hasSizeGreaterThan(urls.size() * 100);
    assertThat(client.get("/v1/jobs/" + id + "/cdx").body().lines()).hasSize(urls.size());
  }

  @Test
  @Order(5)
  @DisplayName("GET /v1/fetch reaches the node owning the host from any API node: the second ask is a cache hit")
  void synchronousFetchIsRoutedToTheOwner() {
    awaitEveryNodeSees(nodes.size() + extras.size()); // the frozen node merged back: every API node routes alike
    awaitRoutingHealed();
    for (int n = 400_000; n < 400_010; n++) {
      String path = "/v1/fetch?url=" + URLEncoder.encode(origin.url(n), StandardCharsets.UTF_8);
      JsonObject first = ApiClient.of(httpPorts[3], KEY).get(path).json();
      JsonObject second = api().get(path).json();
      assertThat(first.getString("cache")).as("first ask for %s", origin.url(n)).isEqualTo("miss");
      assertThat(second.getString("cache")).as("second ask, through another node").isEqualTo("hit");
      assertThat(second.getString("contentHash")).isEqualTo(first.getString("contentHash"));
    }
  }

  /**
   * Right after the frozen node's split-brain merge, the members agree on their count before the
   * event bus has caught up: a fetch routed then can be lost and wait out its reply timeout (seen
   * once in CI, a second after "Resetting local member UUID"). The product answers it with an error;
   * this test is about routing once the cluster is whole, so it waits until one probe gets through.
   */
  private static void awaitRoutingHealed() {
    String probe = "/v1/fetch?url=" + URLEncoder.encode(origin.url(399_999), StandardCharsets.UTF_8);
    for (int attempt = 1; attempt <= 4; attempt++) {
      ApiClient.Response answer = ApiClient.of(httpPorts[3], KEY).get(probe);
      if (answer.status() == 200) {
        return;
      }
      System.out.printf("ClusterIT: routed fetch %d after the merge answered %d; trying again%n", attempt,
          answer.status());
    }
    throw new AssertionError("routed fetches still fail after the merge");
  }

  private static NodeProcess startNode(int i, String roles) {
    Map<String, String> env = env(i);
    env.put("FETCHBUS_NODE_ROLES", roles);
    return NodeProcess.jar("node" + (i + 1) + "-" + System.nanoTime(), LOGS, httpPorts[i], env, "-cluster");
  }

  private static Map<String, String> env(int i) {
    List<String> members = new ArrayList<>();
    for (int port : hazelcastPorts) {
      members.add("127.0.0.1:" + port);
    }
    Map<String, String> env = new HashMap<>();
    env.put("FETCHBUS_PG_URL", database);
    env.put("FETCHBUS_ADMIN_KEY", KEY);
    env.put("FETCHBUS_FETCH_ALLOW_NETWORKS", "127.0.0.0/8");
    env.put("FETCHBUS_CLUSTER_MEMBERS", String.join(",", members));
    env.put("FETCHBUS_HAZELCAST_PORT", String.valueOf(hazelcastPorts[i]));
    env.put("FETCHBUS_EVENTBUS_PORT", String.valueOf(eventBusPorts[i]));
    env.put("FETCHBUS_FRONTIER_LEASE_SECONDS", "4");
    env.put("FETCHBUS_FRONTIER_POLL_MS", "200");
    env.put("FETCHBUS_FETCH_INSTANCES", "2");
    env.put("FETCHBUS_HTTP_INSTANCES", "1");
    env.put("FETCHBUS_PG_POOL_SIZE", "6");
    return env;
  }

  private static ApiClient api() {
    return ApiClient.of(nodes.get(0).httpPort(), KEY);
  }

  private static void assertExactlyOnce(long id, List<String> urls) {
    List<JsonObject> records = api().get("/v1/jobs/" + id + "/results").ndjson();
    Set<String> seen = new HashSet<>();
    for (JsonObject record : records) {
      assertThat(seen.add(record.getString("url"))).as("one record for %s", record.getString("url")).isTrue();
      assertThat(record.getInteger("status")).as("status of %s", record.getString("url")).isEqualTo(200);
    }
    assertThat(seen).as("every URL has its record").containsExactlyInAnyOrderElementsOf(urls);
    JsonObject job = api().get("/v1/jobs/" + id).json();
    assertThat(job.getJsonObject("urls").getLong("done")).isEqualTo(urls.size());
  }

  private static void awaitProgress(long id, long done) {
    await("job " + id + " to have " + done + " URLs done").atMost(Duration.ofMinutes(3)).pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> api().get("/v1/jobs/" + id).json().getJsonObject("urls").getLong("done") >= done);
  }

  private static void awaitTakenOver(NodeProcess frozen, String frozenId, long jobId) {
    ClusterWaits.awaitTakenOver(nodes.stream().filter(node -> node != frozen).toList(), database, frozenId, jobId);
  }

  private static void awaitClusterOf(int size) {
    ClusterWaits.awaitClusterOf(nodes, size);
  }

  private static void awaitEveryNodeSees(int size) {
    List<NodeProcess> all = new ArrayList<>(nodes);
    all.addAll(extras);
    ClusterWaits.awaitEveryNodeSees(all, size);
  }

  private static double sum(Pattern series) {
    return nodes.stream().filter(NodeProcess::alive).mapToDouble(node -> sumOf(node, series)).sum();
  }

  private static double sumOf(NodeProcess node, Pattern series) {
    String metrics = ApiClient.of(node.httpPort(), KEY).get("/metrics").body();
    Matcher m = series.matcher(metrics);
    double total = 0;
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    return total;
  }

  private static int[] ports(int count) {
    return IntStream.range(0, count).map(i -> TestNode.freePort()).toArray();
  }
}
