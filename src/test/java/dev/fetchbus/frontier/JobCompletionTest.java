package dev.fetchbus.frontier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.store.Database;
import dev.fetchbus.store.JobTable;
import dev.fetchbus.store.Migrations;
import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A job ends when its last page is written, not a check interval later: once the node holds no more
 * work of the job and the write queued no links, the check runs at once. Here the delayed check is
 * an hour and the sweep is not started, so only the immediate check can end the job in time.
 */
@DisplayName("Job completion: checked at once when the node holds no more of the job's work")
class JobCompletionTest {
  private static String url;
  private Vertx vertx;
  private JobCompletion completion;

  @BeforeAll
  static void schema() {
    url = TestDatabase.create();
  }

  @AfterAll
  static void drop() {
    TestDatabase.drop(url);
  }

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    Pool pool = Database.privatePool(vertx, url, 2);
    TestNode.await(Migrations.migrate(vertx, pool));
    completion = new JobCompletion(vertx, new JobTable(pool), TimeUnit.HOURS.toMillis(1));
  }

  @AfterEach
  void stop() {
    TestNode.await(vertx.close());
  }

  @Test
  @DisplayName("the last write of a job with nothing left queued ends it at once")
  void lastWriteEndsTheJob() throws Exception {
    long job = runningJobWithNothingQueued();
    CompletableFuture<Long> finished = new CompletableFuture<>();
    TestNode.await(vertx.eventBus().<JsonObject>consumer(JobCompletion.JOB_FINISHED,
        m -> finished.complete(m.body().getLong("jobId"))).completion());

    boolean checked = onContext(() -> {
      completion.touched(job);
      return completion.written(false, id -> false);
    });

    assertThat(checked).isTrue();
    assertThat(finished.get(30, TimeUnit.SECONDS)).isEqualTo(job);
    assertThat(state(job)).isEqualTo("done");
  }

  @Test
  @DisplayName("while the node still holds the job's work, or the write queued links, the check waits")
  void workLeftWaits() throws Exception {
    long job = runningJobWithNothingQueued();
    long other = runningJobWithNothingQueued();
    boolean checkedWhileHeld = onContext(() -> {
      completion.touched(job);
      completion.touched(other);
      return completion.written(false, id -> id == job || id == other);
    });
    boolean checkedAfterLinks = onContext(() -> completion.written(true, id -> false));
    assertThat(checkedWhileHeld).as("both jobs still have work here").isFalse();
    assertThat(checkedAfterLinks).as("the write queued links: the job has new work").isFalse();

    boolean checkedOneDrained = onContext(() -> completion.written(false, id -> id == other));
    assertThat(checkedOneDrained).as("one of the touched jobs has no work left here").isTrue();
    await().atMost(Duration.ofSeconds(30))
        .until(() -> "done".equals(state(job)) && "done".equals(state(other)));
  }

  /** Runs on an event loop, as the frontier does, and answers what the action answered. */
  private <T> T onContext(Supplier<T> action) {
    Promise<T> done = Promise.promise();
    vertx.runOnContext(v -> done.complete(action.get()));
    return TestNode.await(done.future());
  }

  private long runningJobWithNothingQueued() throws Exception {
    try (Connection conn = TestDatabase.connect(url); Statement st = conn.createStatement()) {
      st.execute("insert into users (name, role) values ('u' || gen_random_uuid(), 'user')");
      try (ResultSet rs = st.executeQuery("insert into jobs (user_id, state, ingested_at) "
          + "select max(id), 'running', now() from users returning id")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private String state(long job) throws Exception {
    try (Connection conn = TestDatabase.connect(url); Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("select state from jobs where id = " + job)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
