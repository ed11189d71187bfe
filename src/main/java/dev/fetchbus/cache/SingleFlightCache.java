package dev.fetchbus.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * A bounded async cache with a TTL per value and single flight: concurrent asks for a missing key
 * share one load. Completions come back on the caller's Vert.x context, whatever thread finished
 * the load. Failed loads are not cached. Counts hits, misses, coalesced waits and evictions as
 * {@code fetchbus_cache_requests_total{cache, result}} and {@code fetchbus_cache_evictions_total}.
 *
 * <p>Thread-safe, so one instance serves every verticle of a node ({@link Shareable}).
 */
public final class SingleFlightCache<K, V> implements Shareable {
  private final AsyncCache<K, V> cache;
  private volatile Mode mode = Mode.SINGLE_FLIGHT;
  private final Counter hits;
  private final Counter misses;
  private final Counter coalesced;

  /** {@code ttl} decides each value's lifetime, so failures can be kept briefly and successes long. */
  public SingleFlightCache(String name, long maxSize, Function<V, Duration> ttl, MeterRegistry registry) {
    this(name, Caffeine.newBuilder().maximumSize(maxSize), ttl, registry);
  }

  /**
   * Bounded by the sum of {@code weight} over the entries (for example their bytes) instead of
   * their number: for values whose sizes differ by orders of magnitude.
   */
  public SingleFlightCache(String name, long maxWeight, ToIntFunction<V> weight,
      Function<V, Duration> ttl, MeterRegistry registry) {
    this(name, Caffeine.newBuilder().maximumWeight(maxWeight)
        .weigher((K key, V value) -> weight.applyAsInt(value)), ttl, registry);
  }

  private SingleFlightCache(String name, Caffeine<? super K, ? super V> bound, Function<V, Duration> ttl,
      MeterRegistry registry) {
    Counter evictions = Counter.builder("fetchbus_cache_evictions").tag("cache", name)
        .description("Entries evicted for size").register(registry);
    this.cache = ((Caffeine<K, V>) bound)
        .expireAfter(expiry(ttl))
        .removalListener((K key, V value, RemovalCause cause) -> {
          if (cause == RemovalCause.SIZE) {
            evictions.increment();
          }
        })
        .buildAsync();
    this.hits = counter(registry, name, "hit");
    this.misses = counter(registry, name, "miss");
    this.coalesced = counter(registry, name, "coalesced");
  }

  /** How a lookup was served. */
  public enum Result { HIT, MISS, COALESCED }

  /**
   * What the cache does ({@code tuning.cacheMode}): share loads in flight (the default), keep only
   * finished values, so that concurrent misses each load (what caching a result after an await
   * does), or nothing at all. The last two are the experiments' baselines, not for production.
   */
  public enum Mode {
    SINGLE_FLIGHT, PLAIN, NONE;

    /** {@code single-flight}, {@code plain} or {@code none}. */
    public static Mode of(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
  }

  /** Switches the mode; returns this. */
  public SingleFlightCache<K, V> mode(Mode mode) {
    this.mode = mode;
    return this;
  }

  /** A value and how it was found. */
  public record Lookup<V>(V value, Result result) {}

  /** The cached value, or the result of {@code loader} (run once however many callers wait for it). */
  public Future<V> get(K key, Function<K, Future<V>> loader) {
    return lookup(key, loader).map(Lookup::value);
  }

  /** Like {@link #get}, saying whether the value was cached, loaded by this call, or waited for. */
  public Future<Lookup<V>> lookup(K key, Function<K, Future<V>> loader) {
    if (mode != Mode.SINGLE_FLIGHT) {
      return unshared(key, loader);
    }
    Context caller = Vertx.currentContext();
    boolean[] loadedHere = {false};
    CompletableFuture<V> value = cache.get(key, (k, executor) -> {
      loadedHere[0] = true;
      return loader.apply(k).toCompletionStage().toCompletableFuture();
    });
    Result result = loadedHere[0] ? Result.MISS : value.isDone() ? Result.HIT : Result.COALESCED;
    (result == Result.MISS ? misses : result == Result.HIT ? hits : coalesced).increment();
    Future<V> bridged = caller == null ? Future.fromCompletionStage(value) : Future.fromCompletionStage(value, caller);
    return bridged.map(v -> new Lookup<>(v, result));
  }

  /** The baselines: a finished value is a hit; otherwise this caller loads (and, when plain, keeps it). */
  private Future<Lookup<V>> unshared(K key, Function<K, Future<V>> loader) {
    CompletableFuture<V> cached = mode == Mode.PLAIN ? cache.getIfPresent(key) : null;
    if (cached != null && cached.isDone() && !cached.isCompletedExceptionally()) {
      hits.increment();
      return Future.succeededFuture(new Lookup<>(cached.join(), Result.HIT));
    }
    misses.increment();
    return loader.apply(key).map(value -> {
      if (mode == Mode.PLAIN) {
        cache.put(key, CompletableFuture.completedFuture(value));
      }
      return new Lookup<>(value, Result.MISS);
    });
  }

  public void invalidate(K key) {
    cache.synchronous().invalidate(key);
  }

  public long size() {
    return cache.synchronous().estimatedSize();
  }

  private static Counter counter(MeterRegistry registry, String name, String result) {
    return Counter.builder("fetchbus_cache_requests").tag("cache", name).tag("result", result)
        .description("Cache lookups by result: hit, miss (this caller loaded), coalesced (waited on another's load)")
        .register(registry);
  }

  private static <K, V> Expiry<K, V> expiry(Function<V, Duration> ttl) {
    return new Expiry<>() {
      @Override
      public long expireAfterCreate(K key, V value, long currentTime) {
        return ttl.apply(value).toNanos();
      }

      @Override
      public long expireAfterUpdate(K key, V value, long currentTime, long currentDuration) {
        return ttl.apply(value).toNanos();
      }

      @Override
      public long expireAfterRead(K key, V value, long currentTime, long currentDuration) {
        return currentDuration;
      }
    };
  }
}
