package dev.fetchbus.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("One shared PostgreSQL pool per node")
class SharedPoolTest {
  private static final int POOL_SIZE = 4;
  private static final int EXPORT_POOL_SIZE = 2;
  /** The main pool plus the separate pool that result exports read from. */
  private static final int ALL_CONNECTIONS = POOL_SIZE + EXPORT_POOL_SIZE;
  /** The node's client connections to its database, as PostgreSQL sees them; the asking connection left out. */
  private static final String NODE_CONNECTIONS = "select count(*), string_agg(coalesce(application_name, '?') || ':' "
      + "|| coalesce(state, '?'), ', ') from pg_stat_activity where datname = current_database() "
      + "and pid <> pg_backend_pid() and backend_type = 'client backend'";
  private static OriginServer origin;
  private static TestNode node;

  @BeforeAll
  static void start() {
    origin = OriginServer.start();
    node = TestNode.start(new JsonObject()
        .put("pg", new JsonObject().put("poolSize", POOL_SIZE).put("exportPoolSize", EXPORT_POOL_SIZE))
        .put("fetch", new JsonObject().put("instances", 4))
        .put("http", new JsonObject().put("instances", 4))
        .put("host", new JsonObject().put("maxConcurrency", 16)));
  }

  @AfterAll
  static void stop() {
    node.close();
    origin.close();
  }

  @Test
  @DisplayName(
      "with pg.poolSize 4, pg.exportPoolSize 2 and four fetchers and API "
          + "instances, the database never sees more than 6 connections")
  void connectionsStayWithinThePool() throws Exception {
    ApiClient user = node.newUser("pool-user");
    List<String> urls = IntStream.range(0, 300).mapToObj(i -> origin.url("/page/pool" + i)).toList();
    long id = user.submit(urls, null).getLong("id");

    // Busy API instances too: concurrent reads while the fetchers write
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService readers = Executors.newFixedThreadPool(6);
    List<Future<?>> reads = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      boolean results = i % 2 == 0;
      reads.add(readers.submit(() -> {
        while (running.get()) {
          assertThat(user.get("/v1/jobs/" + id + (results ? "/results" : "")).status()).isEqualTo(200);
        }
      }));
    }
    AtomicLong most = new AtomicLong();
    AtomicReference<String> mostSeen = new AtomicReference<>("");
    try (Connection conn = TestDatabase.connect(node.databaseUrl())) {
      // samples the node's connections every 20 ms while the job runs (in this thread: one JDBC connection)
      await("job " + id + " to finish").atMost(Duration.ofSeconds(90)).pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(20)).pollInSameThread()
          .until(() -> {
            if ("done".equals(user.get("/v1/jobs/" + id).json().getString("state"))) {
              return true;
            }
            Object[] seen = connections(conn);
            if ((long) seen[0] > most.get()) {
              most.set((long) seen[0]);
              mostSeen.set((String) seen[1]);
            }
            return false;
          });
      running.set(false);
      for (Future<?> read : reads) {
        read.get(60, TimeUnit.SECONDS);
      }
      Object[] after = connections(conn);
      assertThat((long) after[0]).as("connections after the job: %s", after[1]).isBetween(1L, (long) ALL_CONNECTIONS);
    } finally {
      running.set(false);
      readers.shutdownNow();
    }
    assertThat(most.get()).as("most connections seen during the job: %s", mostSeen.get())
        .isBetween(1L, (long) ALL_CONNECTIONS);
    assertThat(user.get("/v1/jobs/" + id).json().getJsonObject("urls").getLong("done")).isEqualTo(urls.size());
  }

  private static Object[] connections(Connection conn) throws Exception {
    try (Statement st = conn.createStatement(); ResultSet rows = st.executeQuery(NODE_CONNECTIONS)) {
      rows.next();
      return new Object[] {rows.getLong(1), rows.getString(2)};
    }
  }
}
