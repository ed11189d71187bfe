package dev.fetchbus.bench;

import dev.fetchbus.content.PageFacts;
import dev.fetchbus.content.Response;
import dev.fetchbus.store.Database;
import dev.fetchbus.store.Migrations;
import dev.fetchbus.store.PageRecord;
import dev.fetchbus.store.PageTable;
import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * The write-path benchmark behind docs/benchmarks.md: the store's batched page write (one statement
 * per batch: insert pages, delete their queue rows, remember validators) against PostgreSQL's COPY of the
 * same rows into the same table with the same indexes, and against one INSERT per record, awaited one
 * by one (the naive loop) or sent without waiting and pipelined on one connection (issue #16,
 * experiment 4). The per-record ways write only the first {@code bench.perRecordRows} rows (default
 * 10,000): they are slow, and rows/s is what they report. Prints rows/s and the ratios; asserts nothing
 * about time (tag "bench", excluded from the suite; scripts/bench-write runs it).
 */
@Tag("bench")
@DisplayName("Write-path benchmark")
class WritePathBenchmark {
  private static final int ROWS = Integer.getInteger("bench.rows", 100_000);
  private static final int BATCH = Integer.getInteger("bench.batch", 500);
  private static final int RUNS = Integer.getInteger("bench.runs", 3);
  /** Batches in flight at once: 1 is what one node's store verticle does. */
  private static final int PARALLEL = Integer.getInteger("bench.parallel", 1);
  /** Rows for the per-record ways: a few thousand round trips already give a steady rate. */
  private static final int PER_RECORD_ROWS = Math.min(ROWS, Integer.getInteger("bench.perRecordRows", 10_000));
  private static final String NODE = "bench-node";

  @Test
  @DisplayName("batched unnest writes vs COPY, rows per second")
  void writeVersusCopy() throws Exception {
    String url = TestDatabase.create();
    Vertx vertx = Vertx.vertx();
    Pool pool = Database.privatePool(vertx, url, Math.max(1, PARALLEL));
    try {
      TestNode.await(Migrations.migrate(vertx, pool));
      long jobId = setUp(url);
      List<PageRecord> records = records(jobId, firstUrlId(url));
      double[] write = new double[RUNS];
      double[] insert = new double[RUNS];
      double[] copy = new double[RUNS];
      double[] perRecord = new double[RUNS];
      double[] pipelined = new double[RUNS];
      List<PageRecord> few = records.subList(0, PER_RECORD_ROWS);
      for (int run = 0; run < RUNS; run++) {
        reset(url);
        write[run] = ROWS / timed(() -> writeAll(pool, records));
        reset(url);
        insert[run] = ROWS / timed(() -> insertAll(pool, records));
        reset(url);
        copy[run] = ROWS / timed(() -> copyAll(url, records));
        reset(url);
        perRecord[run] = PER_RECORD_ROWS / timed(() -> insertEach(pool, few, false));
        reset(url);
        pipelined[run] = PER_RECORD_ROWS / timed(() -> insertEach(pool, few, true));
        System.out.printf("BENCH write run=%d rows=%d batch=%d parallel=%d storeWriteRowsPerSecond=%.0f "
            + "pagesInsertRowsPerSecond=%.0f copyRowsPerSecond=%.0f perRecordRows=%d perRecordRowsPerSecond=%.0f "
            + "perRecordPipelinedRowsPerSecond=%.0f%n", run + 1, ROWS, BATCH, PARALLEL, write[run], insert[run],
            copy[run], PER_RECORD_ROWS, perRecord[run], pipelined[run]);
      }
      System.out.printf("BENCH write median storeWriteRowsPerSecond=%.0f pagesInsertRowsPerSecond=%.0f "
          + "copyRowsPerSecond=%.0f storeWriteVsCopy=%.2f pagesInsertVsCopy=%.2f perRecordRows=%d "
          + "perRecordRowsPerSecond=%.0f perRecordPipelinedRowsPerSecond=%.0f perRecordVsCopy=%.3f "
          + "perRecordPipelinedVsCopy=%.3f pipelinedVsPerRecord=%.2f%n", median(write), median(insert), median(copy),
          median(write) / median(copy), median(insert) / median(copy), PER_RECORD_ROWS, median(perRecord),
          median(pipelined), median(perRecord) / median(copy), median(pipelined) / median(copy),
          median(pipelined) / median(perRecord));
    } finally {
      TestNode.await(vertx.close());
      TestDatabase.drop(url);
    }
  }

  /** A user, a job and ROWS leased frontier rows, as a node would hold them before storing. */
  private static long setUp(String url) throws Exception {
    try (Connection conn = TestDatabase.connect(url); Statement st = conn.createStatement()) {
      st.execute("insert into users (name, role) values ('bench', 'user')");
      st.execute("insert into jobs (user_id, state) select id, 'running' from users");
      st.execute("insert into frontier (job_id, url, host, partition) "
          + "select (select id from jobs), 'http://127.0.0.1/page/' || i, '127.0.0.1', 0 "
          + "from generate_series(1, " + ROWS + ") i");
      st.execute("analyze");
      var rows = st.executeQuery("select id from jobs");
      rows.next();
      return rows.getLong(1);
    }
  }

  private static long firstUrlId(String url) throws Exception {
    try (Connection conn = TestDatabase.connect(url); Statement st = conn.createStatement()) {
      var rows = st.executeQuery("select min(id) from frontier");
      rows.next();
      return rows.getLong(1);
    }
  }

  private static void reset(String url) throws Exception {
    try (Connection conn = TestDatabase.connect(url); Statement st = conn.createStatement()) {
      st.execute("truncate pages");
      st.execute("truncate validators");
      st.execute("truncate queue");
      st.execute("insert into queue (url_id, job_id, partition, leased_by, due_at) "
          + "select id, job_id, partition, '" + NODE + "', now() + interval '1 hour' from frontier");
      st.execute("vacuum analyze frontier");
      st.execute("vacuum analyze queue");
      st.execute("checkpoint");
    }
  }

  private static List<PageRecord> records(long jobId, long firstId) {
    List<PageRecord> records = new ArrayList<>(ROWS);
    long now = System.currentTimeMillis();
    for (int i = 0; i < ROWS; i++) {
      Response response = Response.builder("http://127.0.0.1/page/" + (i + 1))
          .response(200, "text/html", 0)
          .body(1234, false, "%064x".formatted(i))
          .facts(PageFacts.counted(12))
          .validators("\"etag-" + i + "\"", null)
          .fetchedAt(now)
          .elapsedMs(5)
          .build();
      records.add(new PageRecord(firstId + i, jobId, response, 1, null, null, List.of()));
    }
    return records;
  }

  /** Batches written PARALLEL at a time, each one after another on its lane, as a store verticle writes them. */
  private static void writeAll(Pool pool, List<PageRecord> records) {
    PageTable pages = new PageTable(pool);
    List<Future<?>> lanes = new ArrayList<>();
    for (int lane = 0; lane < PARALLEL; lane++) {
      Future<?> chain = Future.succeededFuture();
      for (int from = lane * BATCH; from < records.size(); from += BATCH * PARALLEL) {
        List<PageRecord> batch = records.subList(from, Math.min(records.size(), from + BATCH));
        // as StoreVerticle writes a batch without discovered links: one statement, its own transaction
        chain = chain.compose(v -> pages.write(pool, NODE, batch));
      }
      lanes.add(chain);
    }
    TestNode.await(Future.all(lanes));
  }

  /**
   * The same rows into the same table by the same unnest form, without the store's frontier marks
   * and validators: what COPY does, done the way the PG client can.
   */
  private static void insertAll(Pool pool, List<PageRecord> records) {
    Future<?> chain = Future.succeededFuture();
    for (int from = 0; from < records.size(); from += BATCH) {
      List<PageRecord> batch = records.subList(from, Math.min(records.size(), from + BATCH));
      chain = chain.compose(v -> pool.preparedQuery(PAGES_ONLY).execute(Tuple.from(new Object[] {
          batch.stream().map(PageRecord::jobId).toArray(Long[]::new),
          batch.stream().map(PageRecord::urlId).toArray(Long[]::new),
          batch.stream().map(r -> r.response().finalUrl()).toArray(String[]::new),
          batch.stream().map(r -> r.response().status()).toArray(Integer[]::new),
          batch.stream().map(r -> r.response().contentType()).toArray(String[]::new),
          batch.stream().map(r -> r.response().bytes()).toArray(Long[]::new),
          batch.stream().map(r -> r.response().facts().title()).toArray(String[]::new),
          batch.stream().map(r -> r.response().contentHash()).toArray(String[]::new),
          batch.stream().map(r -> r.response().facts().links()).toArray(Integer[]::new),
          batch.stream().map(r -> r.response().etag()).toArray(String[]::new)})));
    }
    TestNode.await(chain);
  }

  private static final String PAGES_ONLY = "insert into pages (job_id, url_id, final_url, status, content_type, bytes, "
      + "title, content_hash, links, etag, fetched_at, elapsed_ms) select j, u, f, s, c, b, t, h, l, e, now(), 5 from "
      + "unnest($1::bigint[], $2::bigint[], $3::text[], $4::int[], $5::text[], $6::bigint[], $7::text[], $8::text[], "
      + "$9::int[], $10::text[]) as r(j, u, f, s, c, b, t, h, l, e)";

  /**
   * One INSERT per record, each its own statement and transaction, on one connection. Awaited: each
   * waits for the one before, so every row pays a full round trip. Pipelined: all are sent at once
   * and the PG client keeps up to pipeliningLimit (256, Database.connectOptions) in flight, which
   * hides the round trips but not the per-row parse, plan and commit.
   */
  private static void insertEach(Pool pool, List<PageRecord> records, boolean pipelined) {
    SqlConnection conn = TestNode.await(pool.getConnection());
    try {
      PreparedQuery<RowSet<Row>> insert = conn.preparedQuery(ONE_PAGE);
      Future<?> last = Future.succeededFuture();
      List<Future<?>> sent = new ArrayList<>(pipelined ? records.size() : 0);
      for (PageRecord r : records) {
        if (pipelined) {
          sent.add(insert.execute(onePage(r)));
        } else {
          last = last.compose(v -> insert.execute(onePage(r)));
        }
      }
      if (pipelined) {
        last = Future.all(sent);
      }
      TestNode.await(last);
    } finally {
      TestNode.await(conn.close());
    }
  }

  private static Tuple onePage(PageRecord record) {
    Response r = record.response();
    return Tuple.from(new Object[] {record.jobId(), record.urlId(), r.finalUrl(), r.status(), r.contentType(),
        r.bytes(), r.facts().title(), r.contentHash(), r.facts().links(), r.etag()});
  }

  private static final String ONE_PAGE = "insert into pages (job_id, url_id, final_url, status, content_type, bytes, "
      + "title, content_hash, links, etag, fetched_at, elapsed_ms) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
      + "now(), 5)";

  private static void copyAll(String url, List<PageRecord> records) throws Exception {
    StringBuilder csv = new StringBuilder(records.size() * 160);
    for (PageRecord record : records) {
      Response r = record.response();
      csv.append(record.jobId()).append(',').append(record.urlId()).append(',').append(r.finalUrl()).append(',')
          .append(r.status()).append(',').append(r.contentType()).append(',').append(r.bytes()).append(",f,")
          .append(r.facts().title()).append(',').append(r.contentHash()).append(',').append(r.facts().links())
          .append(",0,\"")
          .append(r.etag().replace("\"", "\"\"")).append("\",,now,5,1,,,f\n");
    }
    try (Connection conn = TestDatabase.connect(url)) {
      ((PGConnection) conn.unwrap(PGConnection.class)).getCopyAPI().copyIn(
          "copy pages (job_id, url_id, final_url, status, content_type, bytes, truncated, title, content_hash, links, "
              + "redirects, etag, last_modified, fetched_at, elapsed_ms, "
              + "attempts, error_code, error_message, not_modified) "
              + "from stdin with (format csv)", new StringReader(csv.toString()));
    }
  }

  interface Work {
    void run() throws Exception;
  }

  private static double timed(Work work) throws Exception {
    long start = System.nanoTime();
    work.run();
    return (System.nanoTime() - start) / 1e9;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
