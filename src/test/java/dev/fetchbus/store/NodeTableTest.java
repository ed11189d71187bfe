package dev.fetchbus.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The fetch nodes' table")
class NodeTableTest {
  private static String url;
  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void schema() {
    url = TestDatabase.create();
    vertx = Vertx.vertx();
    pool = Database.privatePool(vertx, url, 2);
    TestNode.await(Migrations.migrate(vertx, pool));
  }

  @AfterAll
  static void drop() {
    TestNode.await(vertx.close());
    TestDatabase.drop(url);
  }

  @Test
  @DisplayName("forgetLongGone deletes a node silent for two hours, and keeps a fresh one and one quiet for 50 minutes")
  void forgetsOnlyNodesGoneForAnHour() throws Exception {
    try (Connection conn = TestDatabase.connect(url); Statement st = conn.createStatement()) {
      st.execute("insert into fetch_nodes (node_id, last_seen) values ('gone', now() - interval '2 hours'), "
          + "('quiet', now() - interval '50 minutes'), ('fresh', now())");
    }
    NodeTable nodes = new NodeTable(pool);

    assertThat(TestNode.await(nodes.forgetLongGone())).as("rows forgotten").isEqualTo(1);
    assertThat(nodeIds()).containsExactlyInAnyOrder("quiet", "fresh");
    assertThat(TestNode.await(nodes.forgetLongGone())).as("a second sweep finds nothing more").isZero();
  }

  private static List<String> nodeIds() throws Exception {
    List<String> ids = new ArrayList<>();
    try (Connection conn = TestDatabase.connect(url); Statement st = conn.createStatement();
        ResultSet rows = st.executeQuery("select node_id from fetch_nodes")) {
      while (rows.next()) {
        ids.add(rows.getString(1));
      }
    }
    return ids;
  }
}
