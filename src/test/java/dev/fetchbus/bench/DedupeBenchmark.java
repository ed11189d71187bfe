package dev.fetchbus.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fetchbus.store.Database;
import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue #16, experiment 5: deduping {@code bench.urls} URLs (default 1,000,000, a tenth of them
 * repeats of earlier ones) three ways. The database's unique key, as the frontier dedupes: batches of
 * 1,000 into a scratch table with the frontier's dedupe columns and key (md5 of the URL, unique per
 * job), {@code insert … select from unnest($1::text[]) on conflict do nothing}; its memory is the
 * table and index on disk, not the heap. An in-heap HashSet, whose cost is the heap it retains. A List
 * scanned before each add, which is O(n²): it stops after {@code bench.scanSeconds} (default 10) and
 * the full time is extrapolated as t × (n / done)². Asserts only the unique counts; nothing about time
 * (tag "bench", excluded from the suite; run by scripts/bench-jvm DedupeBenchmark).
 */
@Tag("bench")
@DisplayName("URL dedupe benchmark")
class DedupeBenchmark {
  private static final int URLS = Integer.getInteger("bench.urls", 1_000_000);
  private static final int RUNS = Integer.getInteger("bench.runs", 3);
  private static final double SCAN_SECONDS = Double.parseDouble(System.getProperty("bench.scanSeconds", "10"));
  private static final int BATCH = 1_000;
  /** Every tenth position repeats an earlier URL, so this many are distinct. */
  private static final int UNIQUE = URLS - URLS / 10;

  private static final String TABLE = """
      create table dedupe_urls (
        id       bigserial primary key,
        job_id   bigint not null,
        url      text not null,
        url_hash bytea not null generated always as (decode(md5(url), 'hex')) stored,
        unique (job_id, url_hash))""";
  private static final String INSERT =
      "insert into dedupe_urls (job_id, url) select 1, u from unnest($1::text[]) as u on conflict do nothing";

  /** One run's figures; the median line prints the same keys. */
  private record Run(double uniqueKeySeconds, long uniqueKeyBytes, double hashSetSeconds, long hashSetHeapBytes,
      long listScanDone, double listScanSeconds, double listScanExtrapolatedSeconds) {
    String keys() {
      return String.format(Locale.ROOT, "uniqueKeySeconds=%.3f uniqueKeyRowsPerSecond=%.0f uniqueKeyBytes=%d "
              + "hashSetSeconds=%.3f hashSetHeapBytes=%d listScanDone=%d listScanSeconds=%.3f "
              + "listScanExtrapolatedSeconds=%.1f", uniqueKeySeconds, URLS / uniqueKeySeconds, uniqueKeyBytes,
          hashSetSeconds, hashSetHeapBytes, listScanDone, listScanSeconds, listScanExtrapolatedSeconds);
    }
  }

  @Test
  @DisplayName("unique key vs HashSet vs List scan")
  void dedupe() throws Exception {
    long heapBefore = usedHeapAfterGc();
    List<String> urls = urls();
    // the input list with its strings: the HashSet shares these strings, so its own figure excludes them
    long listBytes = usedHeapAfterGc() - heapBefore;
    String db = TestDatabase.create();
    Vertx vertx = Vertx.vertx();
    Pool pool = Database.privatePool(vertx, db, 1);
    try {
      String common = String.format(Locale.ROOT, "urls=%d unique=%d urlListHeapBytes=%d", URLS, UNIQUE, listBytes);
      List<Run> runs = new ArrayList<>();
      for (int run = 1; run <= RUNS; run++) {
        runs.add(run(db, pool, urls));
        System.out.printf("BENCH dedupe run=%d %s %s%n", run, common, runs.get(runs.size() - 1).keys());
      }
      System.out.printf("BENCH dedupe median %s %s%n", common, median(runs).keys());
    } finally {
      TestNode.await(vertx.close());
      TestDatabase.drop(db);
    }
    Reference.reachabilityFence(urls);
  }

  private static Run run(String db, Pool pool, List<String> urls) throws Exception {
    double[] uniqueKey = uniqueKey(db, pool, urls);
    double[] hashSet = hashSet(urls);
    double[] scan = listScan(urls);
    return new Run(uniqueKey[0], (long) uniqueKey[1], hashSet[0], (long) hashSet[1], (long) scan[0], scan[1],
        scan[2]);
  }

  /**
   * URLs as a crawl finds them: 1,000 hosts, 100 sections, distinct pages. Every tenth is a fresh
   * copy (an equal but separate String, as a URL parsed twice would be) of an earlier one, chosen by
   * a fixed seed so every run and every way sees the same list.
   */
  private static List<String> urls() {
    Random random = new Random(16);
    List<String> urls = new ArrayList<>(URLS);
    int distinct = 0;
    for (int i = 0; i < URLS; i++) {
      urls.add(i % 10 == 9 ? url(random.nextInt(distinct)) : url(distinct++));
    }
    return urls;
  }

  private static String url(int k) {
    return "http://host-" + (k % 1000) + ".example/section/" + (k / 1000 % 100) + "/page-" + k + ".html";
  }

  /** Seconds and the table's bytes (heap and indexes, TOAST too) once every URL is in. */
  private static double[] uniqueKey(String db, Pool pool, List<String> urls) throws Exception {
    sql(db, "drop table if exists dedupe_urls", TABLE, "checkpoint");
    long start = System.nanoTime();
    Future<Integer> inserted = Future.succeededFuture(0);
    for (int from = 0; from < urls.size(); from += BATCH) {
      List<String> batch = urls.subList(from, Math.min(urls.size(), from + BATCH));
      // one batch after another, each its own statement and transaction, as the frontier enqueues
      inserted = inserted.compose(n -> pool.preparedQuery(INSERT)
          .execute(Tuple.of((Object) batch.toArray(String[]::new))).map(rows -> n + rows.rowCount()));
    }
    // not TestNode.await: its 120 s limit is shorter than a million URLs take on a loaded machine
    int added = inserted.toCompletionStage().toCompletableFuture().get(1, TimeUnit.HOURS);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(UNIQUE, added, "rows the unique key let in");
    return new double[] {seconds, bytes(db)};
  }

  /** Seconds and the heap the set retains beyond the input list (its table and one node per entry). */
  private static double[] hashSet(List<String> urls) {
    long before = usedHeapAfterGc();
    long start = System.nanoTime();
    Set<String> seen = new HashSet<>();
    for (String url : urls) {
      seen.add(url);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long retained = usedHeapAfterGc() - before;
    assertEquals(UNIQUE, seen.size(), "distinct URLs in the HashSet");
    Reference.reachabilityFence(seen); // still referenced while the heap was measured
    return new double[] {seconds, retained};
  }

  /**
   * URLs done, seconds spent, and the seconds the whole list would take: each contains walks the list
   * so far, so the time grows with the square of the URLs done.
   */
  private static double[] listScan(List<String> urls) {
    List<String> seen = new ArrayList<>();
    long start = System.nanoTime();
    long stop = start + (long) (SCAN_SECONDS * 1e9);
    int done = 0;
    while (done < urls.size() && System.nanoTime() < stop) {
      String url = urls.get(done++);
      if (!seen.contains(url)) {
        seen.add(url);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (done == urls.size()) {
      assertEquals(UNIQUE, seen.size(), "distinct URLs in the List");
    }
    double scale = (double) urls.size() / done;
    return new double[] {done, seconds, seconds * scale * scale};
  }

  /** Used heap after full collections; a few, so objects freed by the first one's finalisation go too. */
  private static long usedHeapAfterGc() {
    var memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      memory.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static long bytes(String db) throws Exception {
    try (Connection conn = TestDatabase.connect(db); Statement st = conn.createStatement();
        ResultSet rows = st.executeQuery("select pg_total_relation_size('dedupe_urls')")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static void sql(String db, String... statements) throws Exception {
    try (Connection conn = TestDatabase.connect(db); Statement st = conn.createStatement()) {
      for (String sql : statements) {
        st.execute(sql);
      }
    }
  }

  private static Run median(List<Run> runs) {
    return new Run(median(runs, Run::uniqueKeySeconds), (long) median(runs, Run::uniqueKeyBytes),
        median(runs, Run::hashSetSeconds), (long) median(runs, Run::hashSetHeapBytes),
        (long) median(runs, Run::listScanDone), median(runs, Run::listScanSeconds),
        median(runs, Run::listScanExtrapolatedSeconds));
  }

  private static double median(List<Run> runs, ToDoubleFunction<Run> key) {
    return runs.stream().mapToDouble(key).sorted().toArray()[runs.size() / 2];
  }
}
