package dev.fetchbus.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The hot statements keep to index paths under PostgreSQL's generic plan, which a prepared
 * statement switches to after five executions and which cannot know an array's length or a
 * LIMIT's value. A claim that hash-joined the whole queue (dead rows included) took a second.
 */
@DisplayName("Frontier and page statements under generic plans")
class FrontierTableTest {
  private static String url;

  @BeforeAll
  static void schema() throws Exception {
    url = TestDatabase.create();
    Vertx vertx = Vertx.vertx();
    try {
      TestNode.await(Migrations.migrate(vertx, Database.privatePool(vertx, url, 1)));
    } finally {
      TestNode.await(vertx.close());
    }
    try (Connection conn = TestDatabase.connect(url); Statement st = conn.createStatement()) {
      st.execute("insert into users (name, role) values ('u', 'user')");
      st.execute("insert into jobs (user_id, state) select id, 'running' from users");
      st.execute("insert into frontier (job_id, url, host, partition) "
          + "select 1, 'http://h/' || i, 'h', i % 64 from generate_series(1, 50000) i");
      st.execute("insert into queue (url_id, job_id, partition, vt) select id, job_id, partition, id from frontier");
      // a tenth of the queue is leased or parked for a retry: the rows the fair branch must not walk
      st.execute("update queue set leased_by = case when url_id % 20 = 0 then 'node' else '' end, "
          + "due_at = now() + interval '1 minute' where url_id % 10 = 0");
      st.execute("insert into validators (url_hash, etag) select url_hash, 'e' from frontier");
      st.execute("insert into bodies (hash, codec, size, stored, data) "
          + "select sha256(i::text::bytea), 'none', 1, 1, '\\x00' from generate_series(1, 50000) i");
      st.execute("analyze");
    }
  }

  @AfterAll
  static void drop() {
    TestDatabase.drop(url);
  }

  @Test
  @DisplayName("the claim uses only indexes")
  void claimPlan() throws Exception {
    String plan = genericPlan("prepare claim(int[], int, int, text, bigint[]) as " + FrontierTable.CLAIM,
        "execute claim('{0,1,2,3,4,5,6,7}', 512, 60, 'node', '{7}')");
    assertThat(plan).contains("queue_leases").contains("queue_fair").contains("frontier_pkey")
        .contains("validators_pkey").doesNotContain("Seq Scan");
  }

  @Test
  @DisplayName("adding a job's URLs finds the fair clock's head by index")
  void enqueuePlans() throws Exception {
    String plain = genericPlan("prepare add(bigint, int, text[], text[], int[]) as " + FrontierTable.ENQUEUE,
        "execute add(1, 0, '{http://h/x}', '{h}', '{1}')");
    assertThat(plain).contains("queue_fair").doesNotContain("Seq Scan on queue").doesNotContain("Seq Scan on frontier");
    String capped = genericPlan("prepare addCapped(bigint, text[], text[], int[], int[], text[], bigint[], bigint) as "
            + FrontierTable.ENQUEUE_CAPPED,
        "execute addCapped(1, '{http://h/x}', '{h}', '{1}', '{1}', '{page}', '{NULL}', 1)");
    assertThat(capped).contains("queue_fair").doesNotContain("Seq Scan on queue")
        .doesNotContain("Seq Scan on frontier");
  }

  @Test
  @DisplayName("the page write uses only indexes")
  void writePlan() throws Exception {
    String plan =
        genericPlan("prepare write(text, bigint[], bigint[], text[], int[], text[], bigint[], bool[], text[], "
            + "text[], int[], int[], text[], text[], bigint[], int[], int[], text[], text[], bool[], text[], text[], "
            + "text[], text[], text[], text[], text[], text[], bytea[], bytea[], text[], bigint[], bytea[], text[]) as "
            + PageTable.WRITE,
        "execute write('node', '{1,2}', '{1,1}', '{a,b}', '{200,200}', '{t,t}', '{1,1}', '{f,f}', '{t,t}', '{h,h}', "
            + "'{0,0}', '{0,0}', '{e,e}', '{NULL,NULL}', '{0,0}', "
            + "'{1,1}', '{1,1}', '{NULL,NULL}', '{NULL,NULL}', '{f,f}', "
            + "'{d,d}', '{c,c}', '{en,en}', '{l,l}', '{HTTP/1.1,HTTP/1.1}', '{OK,OK}', '{[],[]}', '{[],[]}', "
            + "'{\\\\x01,\\\\x02}', '{\\\\x01,\\\\x02}', '{zstd,zstd}', '{1,1}', '{\\\\x00,\\\\x00}', '{r,r}')");
    assertThat(plan).contains("queue_pkey").contains("Insert on bodies").doesNotContain("Seq Scan");
  }

  private static String genericPlan(String prepare, String execute) throws Exception {
    try (Connection conn = TestDatabase.connect(url); Statement st = conn.createStatement()) {
      conn.setAutoCommit(false);
      st.execute("set plan_cache_mode = force_generic_plan");
      st.execute(prepare);
      StringBuilder plan = new StringBuilder();
      try (ResultSet rows = st.executeQuery("explain " + execute)) {
        while (rows.next()) {
          plan.append(rows.getString(1)).append('\n');
        }
      }
      conn.rollback();
      return plan.toString();
    }
  }
}
