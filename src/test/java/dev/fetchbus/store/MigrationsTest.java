package dev.fetchbus.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Upgrading a database that holds a job in flight keeps every URL's state. */
@DisplayName("Schema migrations")
class MigrationsTest {
  private String url;
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    url = TestDatabase.create();
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    TestNode.await(vertx.close());
    TestDatabase.drop(url);
  }

  @Test
  @DisplayName("V5 moves queued and leased URLs into the queue, keeps their leases, and counts cancelled ones")
  void queueMigrationKeepsWorkInFlight() throws Exception {
    try (Connection conn = TestDatabase.connect(url); Statement st = conn.createStatement()) {
      applyUpTo(st, 4);
      st.execute("insert into users (name, key_hash, role) values ('u', '\\x00', 'user')");
      st.execute("insert into jobs (user_id, state) select id, 'running' from users");
      st.execute("insert into jobs (user_id, state) select id, 'cancelled' from users");
      st.execute("""
          insert into frontier (job_id, url, host, partition, state, leased_by, attempts, due_at)
          select (select min(id) from jobs), 'http://h/' || s, 'h', 7, s, case when s = 'leased' then 'node-a' end,
                 case when s = 'leased' then 2 else 0 end, now() + interval '1 minute'
          from unnest(array['queued', 'leased', 'done', 'failed']) s""");
      st.execute("insert into frontier (job_id, url, host, partition, state) "
          + "select (select max(id) from jobs), 'http://h/c' || i, 'h', 7, 'cancelled' from generate_series(1, 3) i");
    }
    Pool pool = Database.privatePool(vertx, url, 1);
    assertThat(TestNode.await(Migrations.migrate(vertx, pool))).isGreaterThanOrEqualTo(5);

    try (Connection conn = TestDatabase.connect(url); Statement st = conn.createStatement()) {
      Map<String, String> queue = new HashMap<>();
      try (ResultSet rows = st.executeQuery("select f.url, coalesce(q.leased_by, '-') || '/' || q.attempts "
          + "|| '/' || q.partition || '/' || (q.due_at > now()) from queue q join frontier f on f.id = q.url_id")) {
        while (rows.next()) {
          queue.put(rows.getString(1), rows.getString(2));
        }
      }
      // the queued URL was due in a minute: V11 parks it (leased_by '') until then
      assertThat(queue).containsOnly(Map.entry("http://h/queued", "/0/7/true"),
          Map.entry("http://h/leased", "node-a/2/7/true"));
      try (ResultSet rows = st.executeQuery("select cancelled_urls from jobs order by id")) {
        rows.next();
        assertThat(rows.getLong(1)).isZero();
        rows.next();
        assertThat(rows.getLong(1)).isEqualTo(3);
      }
    }
  }

  @Test
  @DisplayName("V8 moves each user's key into api_keys, so keys made before it keep working")
  void keysMoveToTheirOwnTable() throws Exception {
    try (Connection conn = TestDatabase.connect(url); Statement st = conn.createStatement()) {
      applyUpTo(st, 7);
      st.execute("insert into users (name, key_hash, role) values ('old', '\\x0102', 'user')");
    }
    TestNode.await(Migrations.migrate(vertx, Database.privatePool(vertx, url, 1)));
    try (Connection conn = TestDatabase.connect(url); Statement st = conn.createStatement();
        ResultSet rows = st.executeQuery("select encode(k.key_hash, 'hex'), u.disabled, u.deleted_at is null "
            + "from api_keys k join users u on u.id = k.user_id where u.name = 'old'")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getString(1)).isEqualTo("0102");
      assertThat(rows.getBoolean(2)).isFalse();
      assertThat(rows.getBoolean(3)).isTrue();
      assertThat(rows.next()).isFalse();
    }
  }

  @Test
  @DisplayName("an applied migration edited since is refused at start, naming it; so is a schema newer than the build")
  void checksumsAndNewerSchemas() throws Exception {
    Pool pool = Database.privatePool(vertx, url, 1);
    int newest = TestNode.await(Migrations.migrate(vertx, pool));
    try (Connection conn = TestDatabase.connect(url); Statement st = conn.createStatement()) {
      try (ResultSet rows = st.executeQuery("select count(*), count(checksum) from schema_version")) {
        rows.next();
        assertThat(rows.getInt(2)).as("every applied migration has its checksum").isEqualTo(rows.getInt(1));
      }
      st.execute("update schema_version set checksum = 'edited' where version = 3");
    }
    assertThat(failure(pool)).contains("V3").contains("was edited after it was applied");

    try (Connection conn = TestDatabase.connect(url); Statement st = conn.createStatement()) {
      st.execute("update schema_version set checksum = null where version = 3"); // as before checksums were kept
    }
    assertThat(TestNode.await(Migrations.migrate(vertx, pool))).isEqualTo(newest);
    try (Connection conn = TestDatabase.connect(url); Statement st = conn.createStatement()) {
      try (ResultSet rows = st.executeQuery("select checksum from schema_version where version = 3")) {
        rows.next();
        assertThat(rows.getString(1)).as("a missing checksum is filled in").hasSize(64);
      }
      st.execute("insert into schema_version (version, name) values (" + (newest + 1) + ", 'from_a_newer_build')");
    }
    assertThat(failure(pool)).contains("V" + (newest + 1)).contains("newer than this build knows");
  }

  @Test
  @DisplayName("nodes starting together on an empty database take turns: each migration is applied once")
  void concurrentStarts() throws Exception {
    List<Future<Integer>> starts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      starts.add(Migrations.migrate(vertx, Database.privatePool(vertx, url, 1)));
    }
    TestNode.await(Future.all(starts));
    int newest = Migrations.list().get(Migrations.list().size() - 1).version();
    assertThat(starts).allSatisfy(start -> assertThat(start.result()).isEqualTo(newest));
    try (Connection conn = TestDatabase.connect(url); Statement st = conn.createStatement();
        ResultSet rows = st.executeQuery("select count(*), count(distinct version) from schema_version")) {
      rows.next();
      assertThat(rows.getInt(1)).isEqualTo(Migrations.list().size()).isEqualTo(rows.getInt(2));
    }
  }

  private String failure(Pool pool) {
    Future<Integer> refused = Migrations.migrate(vertx, pool);
    try {
      TestNode.await(refused);
    } catch (RuntimeException expected) {
      // the node would not start: the message says why
    }
    assertThat(refused.failed()).as("the migration is refused").isTrue();
    return refused.cause().getMessage();
  }

  private static void applyUpTo(Statement st, int version) throws Exception {
    st.execute("create table schema_version (version int primary key, name text not null, "
        + "applied_at timestamptz not null default now())");
    for (Migrations.Migration m : Migrations.list()) {
      if (m.version() <= version) {
        st.execute(m.sql());
        st.execute("insert into schema_version (version, name) values (" + m.version() + ", '" + m.name() + "')");
      }
    }
  }
}
