package dev.fetchbus.frontier;

import dev.fetchbus.cluster.Members;
import dev.fetchbus.config.DeployedConfig;
import dev.fetchbus.config.Settings;
import dev.fetchbus.content.BodyBudget;
import dev.fetchbus.content.StoredBody;
import dev.fetchbus.fetch.Discovered;
import dev.fetchbus.fetch.FetchOutcome;
import dev.fetchbus.fetch.FetchTask;
import dev.fetchbus.fetch.FetcherVerticle;
import dev.fetchbus.fetch.HostSlots;
import dev.fetchbus.fetch.Robots;
import dev.fetchbus.metrics.FrontierMetrics;
import dev.fetchbus.metrics.Meters;
import dev.fetchbus.node.LocalCodec;
import dev.fetchbus.node.NodeIdentity;
import dev.fetchbus.node.NodeStatus;
import dev.fetchbus.store.ClaimedUrl;
import dev.fetchbus.store.Database;
import dev.fetchbus.store.DatabaseHealth;
import dev.fetchbus.store.FrontierTable;
import dev.fetchbus.store.JobTable;
import dev.fetchbus.store.PageRecord;
import dev.fetchbus.store.StoreVerticle;
import dev.fetchbus.store.StoredBatch;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per node. Claims due URLs of the partitions this node owns, in batches and under a lease,
 * hands them to the fetchers as host slots free up, and settles each outcome: a retry with
 * backoff, or a record for the store. Only the store's commit finishes a URL.
 */
public final class FrontierVerticle extends VerticleBase {
  public static final String JOB_CREATED = "fetchbus.job.created";
  public static final String JOB_CANCELLED = "fetchbus.job.cancelled";
  /** Published when an admin changes a user's limits: {@code {"userId": n, "concurrentFetches": n}}. */
  public static final String USER_LIMITS = "fetchbus.user.limits";
  private static final Logger log = LoggerFactory.getLogger(FrontierVerticle.class);
  private static final long STOP_WAIT_MS = 10_000;
  /** Fetch, store and robots hand-offs never leave the node: each node has its own fetchers and store. */
  static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private Settings settings;
  private String nodeId;
  private FrontierTable frontier;
  private JobTable jobs;
  private Pool pool;
  /** Leases, and host slots lent to rendered pages ({@link LentSlots}): one politeness per host. */
  private HostScheduler<HostScheduler.Work> scheduler;
  private FrontierMetrics metrics;
  private JobCompletion completion;
  private RetryPolicy retries;
  private JobPlans plans;
  private Politeness politeness;
  private LinkFilter links;
  private LentSlots lent;
  private final HeldLeases leased = new HeldLeases();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  /** Kept until the stop has drained: records in the store still report back on it. */
  private MessageConsumer<StoredBatch> storedConsumer;
  private Ownership ownership;
  private UserShares shares;
  private ClaimLoop claims;
  private ClaimGate gate;
  private BodyBudget budget;
  private long wakeTimer = -1;

  @Override
  public Future<?> start() {
    settings = Settings.load(DeployedConfig.resolve(vertx, config()));
    nodeId = NodeIdentity.of(vertx);
    pool = Database.sharedPool(vertx, settings);
    frontier = new FrontierTable(pool);
    budget = BodyBudget.of(vertx, settings.fetch().maxBufferedBytes());
    gate = new ClaimGate(DatabaseHealth.of(vertx, pool), leased, frontier, settings.frontier().leaseSeconds(), nodeId);
    jobs = new JobTable(pool);
    scheduler = new HostScheduler<>(settings.fetch().maxInFlight(), System::currentTimeMillis,
        settings.host().delayJitter(), ThreadLocalRandom.current()::nextDouble);
    metrics = new FrontierMetrics(Meters.registry(), scheduler::inFlight, scheduler::waiting);
    completion = new JobCompletion(vertx, jobs);
    retries = new RetryPolicy(settings.fetch().maxAttempts(), settings.fetch().retryBaseMs());
    ownership = new Ownership(vertx, Members.of(vertx, pool, settings.cluster().memberTimeoutMs()), frontier,
        settings.frontier().partitions(), this::partitionsMoved);
    shares = new UserShares(ownership::liveNodes, ownership::rank);
    metrics.ownership(() -> ownership.owned().length, settings.fetch().maxInFlight(), Meters.registry());
    scheduler.boundUsers(shares::localLimit);
    plans = new JobPlans(vertx, jobs, settings, shares);
    links = new LinkFilter(new SeenLinks(settings.frontier().seenLinks()));
    metrics.links(links::filtered, links::size, Meters.registry());
    politeness = new Politeness(vertx, scheduler, frontier, settings.robots().maxCrawlDelayMs(),
        settings.frontier().partitions(), this::pump);
    NodeStatus.frontierStarting(vertx);
    claims = new ClaimLoop(vertx, settings, frontier, nodeId, leased, gate, ownership, plans, shares, this::accept,
        this::pump);
    LocalCodec.register(vertx, FetchTask.class, FetchOutcome.class, PageRecord.class, StoredBatch.class,
        Robots.class);
    storedConsumer = vertx.eventBus().localConsumer(StoreVerticle.STORED, m -> stored(m.body()));
    consumers.add(vertx.eventBus().<Long>consumer(JOB_CREATED, m -> claims.now()));
    consumers.add(vertx.eventBus().<Long>consumer(JOB_CANCELLED, m -> dropJob(m.body())));
    consumers.add(vertx.eventBus().<JsonObject>consumer(USER_LIMITS, m -> {
      shares.learn(m.body().getLong("userId"), m.body().getInteger("concurrentFetches"));
      pump();
    }));
    // a job stopped at its maxDurationSeconds still has claimed work waiting here: drop it as on a cancel
    consumers.add(vertx.eventBus().<JsonObject>consumer(JobCompletion.JOB_FINISHED,
        m -> dropJob(m.body().getLong("jobId"))));
    SyncFetches sync = new SyncFetches(settings, this::fetchNow);
    consumers.add(vertx.eventBus().<JsonObject>consumer(syncAddress(nodeId), sync::handle));
    lent = new LentSlots(vertx, nodeId, ownership::ownerOf, scheduler, this::pump);
    consumers.add(vertx.eventBus().<JsonObject>localConsumer(HostSlots.ADDRESS, lent::asked));
    consumers.add(vertx.eventBus().<JsonObject>consumer(LentSlots.ownerAddress(nodeId), lent::queue));
    return Database.prepare(vertx, settings)
        .compose(version -> ownership.refresh())
        .compose(v -> Future.all(consumers.stream().map(MessageConsumer::completion).toList()))
        .compose(v -> storedConsumer.completion())
        .onSuccess(ready -> {
          startTimers();
          claims.maybe();
        });
  }

  /**
   * Where {@code GET /v1/fetch} reaches the frontier of node {@code nodeId}: one address per node, so
   * the API picks the node owning the URL's host (and no clustered send ever chooses among nodes).
   */
  public static String syncAddress(String nodeId) {
    return "fetchbus.node." + nodeId + ".fetch";
  }

  private void fetchNow(Lease lease) {
    politeness.admit(lease);
    scheduler.add(lease);
    pump();
  }

  /** Work waiting for partitions this node no longer owns goes back to the table, for their new owner. */
  private void partitionsMoved(int[] lost, int[] owned) {
    Set<Integer> gone = Arrays.stream(lost).boxed().collect(Collectors.toSet());
    List<Long> ids = leased.takeWaiting(scheduler,
        lease -> !lease.isSynchronous() && gone.contains(lease.url().partition()), null);
    if (!ids.isEmpty()) {
      frontier.release(ids, nodeId).onFailure(err -> log.warn("Could not give back {} leases", ids.size(), err));
    }
    claims.now();
  }

  /** Gives back the leases of work not started, and lets running fetches be stored (for a few seconds). */
  @Override
  public Future<?> stop() {
    claims.stop();
    List<Long> unstarted = leased.takeWaiting(scheduler, lease -> true, "the node is stopping");
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList())
        .compose(v -> ownership.leave().recover(err -> {
          // the others then take this node's partitions when its heartbeat ages out, not at once
          log.warn("Could not leave the fetch nodes; its partitions move when its heartbeat ages out", err);
          return Future.succeededFuture();
        }))
        .compose(v -> unstarted.isEmpty() ? Future.succeededFuture(0) : frontier.release(unstarted, nodeId))
        .onSuccess(n -> log.info("Frontier stopping; gave back {} unstarted leases", n))
        .compose(v -> leased.drained(vertx, System.currentTimeMillis() + STOP_WAIT_MS))
        .compose(v -> storedConsumer.unregister());
  }

  private void startTimers() {
    long renewEveryMs = Math.max(1000, settings.frontier().leaseSeconds() * 1000L / 3);
    vertx.setPeriodic(renewEveryMs, id -> gate.renew());
    Upkeep.start(vertx, pool, settings, metrics);
    vertx.setPeriodic(settings.cluster().membershipMs(), id -> ownership.refresh());
    vertx.setPeriodic(600_000, id -> ownership.forgetLongGone());
    completion.start();
  }

  private void accept(Lease lease) {
    leased.put(lease);
    if (retries.exhausted(lease.url().attempts())) {
      store(lease, retries.poisoned(lease.url().url(), lease.url().attempts()));
      return;
    }
    politeness.admit(lease);
    scheduler.add(lease);
  }

  private void pump() {
    long wakeInMs = scheduler.pump(this::start);
    if (wakeInMs >= 0 && wakeTimer < 0) {
      wakeTimer = vertx.setTimer(Math.max(1, wakeInMs), id -> {
        wakeTimer = -1;
        pump();
      });
    }
    claims.maybe();
  }

  private void start(HostScheduler.Work work) {
    if (work instanceof Lease lease) {
      fetch(lease);
    } else {
      lent.start((LentSlots.Loan) work);
    }
  }

  private void fetch(Lease lease) {
    ClaimedUrl url = lease.url();
    FetchTask task = FetchTask.of(url, lease.options(), lease.plan().scope(), lease.plan().requisites());
    DeliveryOptions delivery =
        new DeliveryOptions().setLocalOnly(true).setSendTimeout(lease.options().timeoutMs() + 30_000L);
    vertx.eventBus().<FetchOutcome>request(FetcherVerticle.ADDRESS, task, delivery).onComplete(reply -> {
      if (reply.succeeded() && reply.result().body().retryAfterMs() > 0) {
        scheduler.pause(lease.host(), reply.result().body().retryAfterMs());
      }
      scheduler.finished(lease);
      if (lease.isSynchronous()) {
        lease.answer().handle(reply.map(Message::body));
      } else if (reply.succeeded()) {
        settle(lease, reply.result().body());
      } else {
        log.warn("No answer from a fetcher for {}; it will be tried again", url.url(), reply.cause());
        retry(lease, retries.delayMs(url.attempts(), 0));
      }
      pump();
    });
  }

  private void settle(Lease lease, FetchOutcome outcome) {
    if (retries.shouldRetry(outcome, lease.url().attempts())) {
      // this outcome goes no further: what its body held against the node's budget is free
      StoredBody body = outcome.response().body();
      budget.release(body == null ? 0 : body.heldBytes());
      retry(lease, retries.delayMs(lease.url().attempts(), outcome.retryAfterMs()));
    } else {
      store(lease, outcome);
    }
  }

  private void retry(Lease lease, long delayMs) {
    leased.remove(lease.url().id());
    metrics.retried();
    frontier.requeue(List.of(lease.url().id()), List.of(delayMs), nodeId)
        .onFailure(err -> log.warn("Could not requeue {}; its lease will expire instead", lease.url().url(), err));
  }

  /** The lease stays held until the store reports the record's batch written ({@link #stored}). */
  private void store(Lease lease, FetchOutcome outcome) {
    List<Discovered> fresh = outcome.failed() ? List.of()
        : links.unseen(lease.url().jobId(), lease.url().id(), outcome.discovered());
    // nothing else to fetch here: this record's batch is what the next work (or the job's end) waits for
    boolean idle = scheduler.inFlight() == 0 && scheduler.waiting() == 0;
    vertx.eventBus().send(StoreVerticle.ADDRESS, Records.of(lease, outcome, fresh, settings.frontier().partitions()),
        idle ? StoreVerticle.FLUSH_NOW : LOCAL);
  }

  private void stored(StoredBatch batch) {
    boolean newLinks = links.stored(batch);
    if (batch.failed()) {
      log.warn("{} records were not stored; their leases will expire and they will be fetched again",
          batch.urlIds().size());
    }
    for (long id : batch.urlIds()) {
      Lease lease = leased.remove(id);
      if (batch.committed().contains(id)) {
        if (lease != null) {
          completion.touched(lease.url().jobId());
        }
      } else if (!batch.failed()) {
        metrics.leaseLost();
      }
    }
    completion.written(newLinks, leased::holdsJob);
    // stored records free leases: room to claim more; their links may be new work, claimable now
    // rather than after the poll interval of an earlier empty claim (a crawl's pace between depths)
    if (newLinks) {
      claims.now();
    } else {
      claims.maybe();
    }
  }

  private void dropJob(long jobId) {
    links.forget(jobId);
    scheduler.removeWaiting(work -> work instanceof Lease lease && lease.url().jobId() == jobId)
        .forEach(l -> leased.remove(((Lease) l).url().id()));
    plans.forget(jobId);
  }

}
