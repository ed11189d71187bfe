package dev.fetchbus.frontier;

import dev.fetchbus.cache.SingleFlightCache;
import dev.fetchbus.config.JobOptions;
import dev.fetchbus.config.Settings;
import dev.fetchbus.content.StoredBody;
import dev.fetchbus.extract.UrlNormalizer;
import dev.fetchbus.fetch.FetchOutcome;
import dev.fetchbus.fetch.FetchTask;
import dev.fetchbus.metrics.Meters;
import dev.fetchbus.store.ClaimedUrl;
import dev.fetchbus.store.Validators;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The owner's side of {@code GET /v1/fetch}: a node-wide single-flight cache of fetch outcomes by
 * normalised URL. A miss is fetched through this node's host scheduler, so politeness holds for
 * synchronous fetches too (that is why the API routes each URL to the node owning its host). An
 * entry older than the caller's {@code maxAge} is fetched again, conditionally when it has
 * validators: a 304 refreshes it ({@code revalidated}).
 */
final class SyncFetches {
  /** A cached outcome and when it was fetched (or last revalidated). */
  record Cached(FetchOutcome outcome, long atMs, boolean revalidated) {}

  private final SingleFlightCache<String, Cached> cache;
  private final Counter revalidations;
  private final Settings settings;
  private final Consumer<Lease> schedule;

  SyncFetches(Settings settings, Consumer<Lease> schedule) {
    this.settings = settings;
    this.schedule = schedule;
    Duration ttl = Duration.ofSeconds(settings.fetchCache().ttlSeconds());
    // bounded by bytes, not entries: an answer holds its (compressed) body for ?body=true
    this.cache = new SingleFlightCache<String, Cached>("fetch", settings.fetchCache().maxBytes(), SyncFetches::weight,
        cached -> cached.outcome().failed() ? Duration.ofSeconds(Math.min(5, ttl.toSeconds())) : ttl, Meters.registry())
        .mode(SingleFlightCache.Mode.of(settings.tuning().cacheMode()));
    this.revalidations = Counter.builder("fetchbus_cache_requests").tag("cache", "fetch").tag("result", "revalidated")
        .description("Cache lookups by result").register(Meters.registry());
  }

  /** About what a cached answer holds in memory: its body, plus a kilobyte for the record. */
  private static int weight(Cached cached) {
    StoredBody body = cached.outcome().response().body();
    return 1024 + (body == null || body.isReference() ? 0 : body.data().length);
  }

  /** Answers {@code {"url": ..., "maxAgeSeconds": n}} with the record, {@code cache} and {@code ageSeconds}. */
  void handle(Message<JsonObject> request) {
    String url = request.body().getString("url");
    long maxAgeMs = request.body().getLong("maxAgeSeconds", Long.MAX_VALUE / 1000) * 1000;
    boolean withBody = request.body().getBoolean("body", false);
    answer(url, maxAgeMs, withBody).onSuccess(request::reply).onFailure(err -> request.fail(500, err.getMessage()));
  }

  private Future<JsonObject> answer(String url, long maxAgeMs, boolean withBody) {
    return answer(url, maxAgeMs).map(view -> withBody ? view : SyncView.withoutBody(view));
  }

  private Future<JsonObject> answer(String url, long maxAgeMs) {
    return cache.lookup(url, this::fetch).compose(found -> {
      long age = System.currentTimeMillis() - found.value().atMs();
      if (found.result() != SingleFlightCache.Result.MISS && age > maxAgeMs) {
        Cached stale = found.value();
        cache.invalidate(url);
        return cache.lookup(url, u -> refetch(u, stale)).map(again -> view(again.value(), again.result()));
      }
      return Future.succeededFuture(view(found.value(), found.result()));
    });
  }

  private JsonObject view(Cached cached, SingleFlightCache.Result result) {
    String how = cached.revalidated() && result == SingleFlightCache.Result.MISS ? "revalidated"
        : result.name().toLowerCase(Locale.ROOT);
    return SyncView.of(cached.outcome()).put("cache", how)
        .put("ageSeconds", (System.currentTimeMillis() - cached.atMs()) / 1000);
  }

  private Future<Cached> fetch(String url) {
    return schedule(url, null).map(outcome -> new Cached(outcome, System.currentTimeMillis(), false));
  }

  private Future<Cached> refetch(String url, Cached stale) {
    FetchOutcome old = stale.outcome();
    Validators validators = old.failed() ? null : Validators.of(old.response().etag(),
        old.response().lastModified(), old.response().contentHash());
    return schedule(url, validators).map(outcome -> outcome.response().notModified()
        ? revalidated(old)
        : new Cached(outcome, System.currentTimeMillis(), false));
  }

  private Cached revalidated(FetchOutcome old) {
    revalidations.increment();
    return new Cached(old, System.currentTimeMillis(), true);
  }

  private Future<FetchOutcome> schedule(String url, Validators validators) {
    UrlNormalizer.Accepted ok = (UrlNormalizer.Accepted) UrlNormalizer.normalize(url);
    ClaimedUrl claimed = new ClaimedUrl(-1, -1, ok.url(), ok.host(), Partitions.of(ok.host(),
        settings.frontier().partitions()), 0, 1, FetchTask.PAGE, validators);
    Promise<FetchOutcome> answer = Promise.promise();
    schedule.accept(Lease.synchronous(claimed, JobPlan.list(JobOptions.defaults(settings), 0), answer));
    return answer.future();
  }
}
