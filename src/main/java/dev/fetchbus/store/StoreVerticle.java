package dev.fetchbus.store;

import dev.fetchbus.config.DeployedConfig;
import dev.fetchbus.config.Settings;
import dev.fetchbus.content.BodyBudget;
import dev.fetchbus.content.StoredBody;
import dev.fetchbus.node.LocalCodec;
import dev.fetchbus.node.NodeIdentity;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's batch writer. Page records arrive one by one on {@link #ADDRESS}; they are written in
 * batches of {@code store.batchSize}, or after {@code store.flushMs}, in one statement each. Once a
 * batch is written, one {@link StoredBatch} on {@link #STORED} tells the frontier which records
 * were committed (a record is not when this node no longer held its URL's lease): one message per
 * batch instead of a reply per record. Batches are written one at a time, which bounds the pool use
 * and pushes back on the frontier when the database is the slow part. A record sent with
 * {@link #FLUSH_NOW} is written without waiting for {@code store.flushMs}: the frontier sends it so
 * when it has nothing else to fetch, as at a crawl's depth changes and a job's end, where the wait
 * would only delay the links and the completion that come from this batch.
 */
public final class StoreVerticle extends VerticleBase {
  public static final String ADDRESS = "fetchbus.store.write";
  public static final String STORED = "fetchbus.store.stored";
  private static final String FLUSH_HEADER = "flush";
  /** Sends a record to be written at once, with what is pending (or right after the write under way). */
  public static final DeliveryOptions FLUSH_NOW =
      new DeliveryOptions().setLocalOnly(true).addHeader(FLUSH_HEADER, "now");
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private static final Logger log = LoggerFactory.getLogger(StoreVerticle.class);
  private static final long RETRY_MS = 500;
  private static final int STOP_RETRIES = 20;

  private Pool pool;
  private PageTable pages;
  private Settings.Store config;
  private String nodeId;
  private List<PageRecord> pending = new ArrayList<>();
  private long pendingBytes;
  private boolean writing;
  private long flushTimer = -1;
  private MessageConsumer<PageRecord> consumer;
  private DatabaseHealth health;
  /** Records carry their compressed bodies against the node's budget until they are written. */
  private BodyBudget budget;
  private boolean stopping;

  @Override
  public Future<?> start() {
    Settings settings = Settings.load(DeployedConfig.resolve(vertx, config()));
    config = settings.store();
    nodeId = NodeIdentity.of(vertx);
    pool = Database.sharedPool(vertx, settings);
    pages = new PageTable(pool);
    health = DatabaseHealth.of(vertx, pool);
    budget = BodyBudget.of(vertx, settings.fetch().maxBufferedBytes());
    LocalCodec.register(vertx, PageRecord.class);
    LocalCodec.register(vertx, StoredBatch.class);
    return Database.prepare(vertx, settings).compose(version -> {
      consumer = vertx.eventBus().localConsumer(ADDRESS, this::accept);
      return consumer.completion();
    });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    return consumer == null ? Future.succeededFuture() : consumer.unregister().compose(v -> flushAll());
  }

  private void accept(Message<PageRecord> message) {
    pending.add(message.body());
    pendingBytes += heldBytes(message.body());
    boolean now = message.headers().contains(FLUSH_HEADER);
    if (now) {
      cancelFlushTimer(); // what the timer would write goes now, and after a write under way, at once
    }
    if (now || batchFull()) {
      flush();
    } else if (flushTimer < 0) {
      flushTimer = vertx.setTimer(config.flushMs(), id -> {
        flushTimer = -1;
        flush();
      });
    }
  }

  private void cancelFlushTimer() {
    if (flushTimer >= 0) {
      vertx.cancelTimer(flushTimer);
      flushTimer = -1;
    }
  }

  private void flush() {
    if (writing || pending.isEmpty()) {
      return;
    }
    List<PageRecord> batch = takeBatch();
    writing = true;
    write(batch).onComplete(done -> {
      writing = false;
      if (batchFull() || (!pending.isEmpty() && flushTimer < 0)) {
        flush();
      }
    });
  }

  private Future<Void> flushAll() {
    if (pending.isEmpty()) {
      return Future.succeededFuture();
    }
    return write(takeBatch()).compose(v -> flushAll());
  }

  private boolean batchFull() {
    return pending.size() >= config.batchSize() || pendingBytes >= config.batchBodyBytes();
  }

  /**
   * The next batch: up to {@code store.batchSize} records, and bodies of at most
   * {@code store.batchBodyBytes} (but at least one record): the database client copies a whole
   * statement, so a batch of large bodies is written a few at a time.
   */
  private List<PageRecord> takeBatch() {
    int count = 0;
    long bytes = 0;
    while (count < pending.size() && count < config.batchSize()
        && (count == 0 || bytes + heldBytes(pending.get(count)) <= config.batchBodyBytes())) {
      bytes += heldBytes(pending.get(count));
      count++;
    }
    List<PageRecord> batch;
    if (count == pending.size()) {
      batch = pending;
      pending = new ArrayList<>();
    } else {
      batch = new ArrayList<>(pending.subList(0, count));
      pending = new ArrayList<>(pending.subList(count, pending.size()));
    }
    pendingBytes -= bytes;
    return batch;
  }

  private Future<Void> write(List<PageRecord> records) {
    return write(records, 0);
  }

  /**
   * Writes a batch. When the database is gone the batch is kept and written again every
   * {@link #RETRY_MS} until it answers (the frontier claims nothing meanwhile, see
   * {@link DatabaseHealth}): its URLs were fetched, and dropping the records would fetch them again.
   * A stopping node tries for {@link #STOP_RETRIES} rounds only; its URLs then stay leased.
   */
  private Future<Void> write(List<PageRecord> records, int retries) {
    List<Long> ids = new ArrayList<>(records.size());
    records.forEach(record -> ids.add(record.urlId()));
    return writeRecords(records)
        .map(committed -> {
          health.holding(0);
          budget.release(heldBytes(records));
          vertx.eventBus().send(STORED, new StoredBatch(ids, committed, false), LOCAL);
          return (Void) null;
        })
        .recover(err -> {
          health.failed(err);
          if (DatabaseHealth.unreachable(err) && (!stopping || retries < STOP_RETRIES)) {
            health.holding(records.size() + pending.size());
            if (retries == 0) {
              log.warn("The database is unreachable; keeping {} page records to write when it is back", records.size());
            }
            return later(() -> write(records, retries + 1));
          }
          log.error("Writing {} page records failed; their URLs stay leased and will be fetched again", records.size(),
              err);
          health.holding(0);
          budget.release(heldBytes(records));
          vertx.eventBus().send(STORED, new StoredBatch(ids, Set.of(), true), LOCAL);
          return Future.succeededFuture();
        });
  }

  private static long heldBytes(List<PageRecord> records) {
    return StoredBody.heldBytes(records.stream().map(r -> r.response().body()).toList());
  }

  private static long heldBytes(PageRecord record) {
    StoredBody body = record.response().body();
    return body == null ? 0 : body.heldBytes();
  }

  private Future<Void> later(Supplier<Future<Void>> retry) {
    Promise<Void> done = Promise.promise();
    vertx.setTimer(RETRY_MS, id -> retry.get().onComplete(done));
    return done.future();
  }

  /**
   * A batch without discovered links is one statement, so it needs no explicit transaction: that
   * saves the begin and commit round trips on every batch of a URL-list job.
   */
  private Future<Set<Long>> writeRecords(List<PageRecord> records) {
    if (records.stream().allMatch(record -> record.discovered().isEmpty())) {
      return pages.write(pool, nodeId, records);
    }
    return pool.withTransaction(conn -> pages.write(conn, nodeId, records)
        .compose(committed -> enqueueDiscovered(conn, records, committed).map(committed)));
  }

  /** Links found on committed pages join their jobs' frontiers in the same transaction as the pages. */
  private static Future<Void> enqueueDiscovered(SqlConnection conn, List<PageRecord> records, Set<Long> committed) {
    Map<Long, List<NewUrl>> byJob = new TreeMap<>();
    for (PageRecord record : records) {
      if (committed.contains(record.urlId()) && !record.discovered().isEmpty()) {
        byJob.computeIfAbsent(record.jobId(), id -> new ArrayList<>()).addAll(record.discovered());
      }
    }
    Future<Integer> chain = Future.succeededFuture(0);
    for (Map.Entry<Long, List<NewUrl>> job : byJob.entrySet()) {
      chain = chain.compose(n -> FrontierTable.enqueueCapped(conn, job.getKey(), job.getValue()));
    }
    return chain.mapEmpty();
  }

}
