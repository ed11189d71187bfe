package dev.fetchbus.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Database connections")
class DatabaseTest {

  /**
   * A generic plan for the claim guesses a tenth of the queue for its LIMIT and hash-joins whole
   * tables; with many dead queue rows a claim then took a second. Custom plans keep the index path.
   */
  @Test
  @DisplayName("prepared statements are planned for their actual parameters, also after many executions")
  void customPlansOnly() {
    String url = TestDatabase.create();
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = Database.privatePool(vertx, url, 1);
      TestNode.await(Migrations.migrate(vertx, pool));
      String setting = TestNode.await(pool.query("show plan_cache_mode").execute()).iterator().next().getString(0);
      assertThat(setting).isEqualTo("force_custom_plan");
      for (int i = 0; i < 8; i++) {
        TestNode.await(pool.preparedQuery("select url_id from queue where due_at <= now() order by due_at limit $1")
            .execute(Tuple.of(512)));
      }
      String plan = TestNode.await(pool.preparedQuery("select generic_plans, custom_plans from pg_prepared_statements "
          + "where statement like 'select url_id from queue%'").execute()).iterator().next().toJson().encode();
      assertThat(plan).contains("\"generic_plans\":0").contains("\"custom_plans\":8");
    } finally {
      TestNode.await(vertx.close());
      TestDatabase.drop(url);
    }
  }
}
