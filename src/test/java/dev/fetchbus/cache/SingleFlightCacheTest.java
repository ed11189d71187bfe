package dev.fetchbus.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The single-flight cache")
class SingleFlightCacheTest {
  private static final Duration LONG = Duration.ofHours(1);
  private Vertx vertx;
  private SimpleMeterRegistry registry;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    registry = new SimpleMeterRegistry();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private SingleFlightCache<String, String> cache(String name, Function<String, Duration> ttl) {
    return new SingleFlightCache<>(name, 1000, ttl, registry);
  }

  private double count(String cache, String result) {
    return registry.get("fetchbus_cache_requests").tag("cache", cache).tag("result", result).counter().count();
  }

  /** Event-loop contexts of their own: one per instance of a deployed verticle. */
  private List<Context> eventLoopContexts(int count) throws Exception {
    List<Context> contexts = new CopyOnWriteArrayList<>();
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        contexts.add(context);
        return Future.succeededFuture();
      }
    }, new DeploymentOptions().setInstances(count)).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    assertThat(contexts).hasSize(count).doesNotHaveDuplicates().allMatch(Context::isEventLoopContext);
    return contexts;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static void poll(BooleanSupplier condition, Duration timeout, String what) {
    Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(25))
        .until(condition::getAsBoolean);
  }


  @Test
  @DisplayName(
      "1,000 concurrent gets of one key from several event loops run "
          + "the loader once; each completes on its caller's context")
  void singleFlightOnCallersContexts() throws Exception {
    SingleFlightCache<String, String> cache = cache("flight", v -> LONG);
    List<Context> contexts = eventLoopContexts(4);
    int perContext = 250;
    AtomicInteger loads = new AtomicInteger();
    Promise<String> load = Promise.promise();
    CountDownLatch issued = new CountDownLatch(contexts.size() * perContext);
    CountDownLatch completed = new CountDownLatch(contexts.size() * perContext);
    Queue<String> problems = new ConcurrentLinkedQueue<>();

    for (Context context : contexts) {
      context.runOnContext(v -> {
        for (int i = 0; i < perContext; i++) {
          cache.get("key", k -> {
            loads.incrementAndGet();
            return load.future();
          }).onComplete(ar -> {
            if (Vertx.currentContext() != context) {
              problems.add("completed on " + Vertx.currentContext() + " / " + Thread.currentThread().getName()
                  + " instead of " + context);
            } else if (!context.isEventLoopContext() || !Context.isOnEventLoopThread()) {
              problems.add("completed off the event loop on " + Thread.currentThread().getName());
            }
            if (ar.failed() || !"value".equals(ar.result())) {
              problems.add("got " + (ar.failed() ? ar.cause() : ar.result()));
            }
            completed.countDown();
          });
          issued.countDown();
        }
      });
    }

    assertThat(issued.await(60, TimeUnit.SECONDS)).as("all gets issued").isTrue();
    assertThat(completed.getCount()).as("nothing completes before the one load does").isEqualTo(1000);
    load.complete("value"); // on this test thread, which is no caller's
    assertThat(completed.await(60, TimeUnit.SECONDS)).as("all gets completed").isTrue();

    assertThat(problems).isEmpty();
    assertThat(loads).hasValue(1);
    assertThat(count("flight", "miss")).isEqualTo(1);
    assertThat(count("flight", "coalesced")).isEqualTo(999);
    assertThat(count("flight", "hit")).isZero();
  }

  @Test
  @DisplayName("a later get of a loaded key is a hit, completed on its caller's context without loading")
  void hitOnCallersContext() throws Exception {
    SingleFlightCache<String, String> cache = cache("hits", v -> LONG);
    Context context = eventLoopContexts(1).get(0);
    AtomicInteger loads = new AtomicInteger();
    Function<String, Future<String>> loader = k -> {
      loads.incrementAndGet();
      return Future.succeededFuture("v-" + k);
    };
    assertThat(await(cache.get("k", loader))).isEqualTo("v-k");

    Promise<Context> seen = Promise.promise();
    context.runOnContext(v -> cache.get("k", loader).onSuccess(value -> seen.complete(Vertx.currentContext())));

    assertThat(await(seen.future())).isSameAs(context);
    assertThat(loads).hasValue(1);
    assertThat(count("hits", "miss")).isEqualTo(1);
    assertThat(count("hits", "hit")).isEqualTo(1);
    assertThat(count("hits", "coalesced")).isZero();
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  @DisplayName("a failed load is not cached: every waiter sees the failure, and the next get loads again")
  void failuresAreNotCached() throws Exception {
    SingleFlightCache<String, String> cache = cache("failures", v -> LONG);
    AtomicInteger loads = new AtomicInteger();
    Promise<String> failing = Promise.promise();
    Future<String> first = cache.get("k", k -> {
      loads.incrementAndGet();
      return failing.future();
    });
    Future<String> waiter = cache.get("k", k -> {
      loads.incrementAndGet();
      return Future.succeededFuture("unexpected");
    });
    failing.fail(new IllegalStateException("origin down"));

    assertThat(first.toCompletionStage().toCompletableFuture()).failsWithin(Duration.ofSeconds(30))
        .withThrowableThat().withRootCauseInstanceOf(IllegalStateException.class);
    assertThat(waiter.toCompletionStage().toCompletableFuture()).failsWithin(Duration.ofSeconds(30));
    assertThat(loads).as("the waiter shared the one load").hasValue(1);

    assertThat(await(cache.get("k", k -> {
      loads.incrementAndGet();
      return Future.succeededFuture("recovered");
    }))).isEqualTo("recovered");
    assertThat(loads).hasValue(2);
    assertThat(await(cache.get("k", k -> Future.succeededFuture("not loaded again")))).isEqualTo("recovered");
  }

  @Test
  @DisplayName("a loader that fails at once is not cached either")
  void immediateFailureIsNotCached() throws Exception {
    SingleFlightCache<String, String> cache = cache("immediate", v -> LONG);
    Future<String> failed = cache.get("k", k -> Future.failedFuture("no"));
    assertThat(failed.toCompletionStage().toCompletableFuture()).failsWithin(Duration.ofSeconds(30));

    assertThat(await(cache.get("k", k -> Future.succeededFuture("second")))).isEqualTo("second");
  }

  @Test
  @DisplayName(
      "each value keeps its own TTL: a short-lived value is loaded again once expired, a long-lived one is not")
  void perValueTtl() throws Exception {
    SingleFlightCache<String, String> cache = cache("ttl",
        value -> value.startsWith("short") ? Duration.ofMillis(200) : LONG);
    AtomicInteger shortLoads = new AtomicInteger();
    AtomicInteger longLoads = new AtomicInteger();
    Function<String, Future<String>> shortLoader = k -> Future.succeededFuture("short-" + shortLoads.incrementAndGet());
    Function<String, Future<String>> longLoader = k -> Future.succeededFuture("long-" + longLoads.incrementAndGet());

    assertThat(await(cache.get("a", shortLoader))).isEqualTo("short-1");
    assertThat(await(cache.get("b", longLoader))).isEqualTo("long-1");

    poll(() -> {
      try {
        return await(cache.get("a", shortLoader)).equals("short-2");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, Duration.ofSeconds(30), "the short-lived value expires and is loaded again");

    assertThat(await(cache.get("b", longLoader))).as("the long-lived value is still cached").isEqualTo("long-1");
    assertThat(longLoads).hasValue(1);
  }

  @Test
  @DisplayName("reading a value does not extend its TTL")
  void readsDoNotExtendTtl() throws Exception {
    SingleFlightCache<String, String> cache = cache("reads", value -> Duration.ofMillis(300));
    AtomicInteger loads = new AtomicInteger();
    Function<String, Future<String>> loader = k -> Future.succeededFuture("v" + loads.incrementAndGet());
    await(cache.get("k", loader));

    // Read it continuously: were reads to refresh the TTL, it would never expire
    poll(() -> {
      try {
        return !await(cache.get("k", loader)).equals("v1");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, Duration.ofSeconds(30), "the value expires although it is read every 25 ms");
  }

  @Test
  @DisplayName("entries over the size bound are evicted and counted")
  void sizeEvictions() throws Exception {
    SingleFlightCache<String, String> cache = new SingleFlightCache<>("small", 5, v -> LONG, registry);
    for (int i = 0; i < 50; i++) {
      await(cache.get("k" + i, k -> Future.succeededFuture(k)));
    }
    poll(() -> cache.size() <= 5, Duration.ofSeconds(30), "the cache shrinks to its bound");
    poll(() -> registry.get("fetchbus_cache_evictions").tag("cache", "small").counter().count() == 50 - cache.size(),
        Duration.ofSeconds(30), "every entry gone is counted as an eviction");
  }
}
