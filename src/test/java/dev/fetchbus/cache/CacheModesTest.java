package dev.fetchbus.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The experiments' baselines ({@code tuning.cacheMode}): what a cache without single flight, and
 * no cache, cost in loads. docs/experiments.md measures the same against a real origin.
 */
@DisplayName("Cache modes: single flight, plain, none")
class CacheModesTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicInteger loads = new AtomicInteger();
  private final List<Promise<String>> pending = new ArrayList<>();

  private SingleFlightCache<String, String> cache(SingleFlightCache.Mode mode) {
    return new SingleFlightCache<String, String>("modes-" + mode, 100, v -> Duration.ofHours(1), registry).mode(mode);
  }

  /** A load that finishes only when the test says so, so that the asks overlap. */
  private Future<String> slowLoad(String key) {
    loads.incrementAndGet();
    Promise<String> promise = Promise.promise();
    pending.add(promise);
    return promise.future();
  }

  /** Ten overlapping asks for one key, then one more after they finished; the loads it took. */
  private int loadsFor(SingleFlightCache.Mode mode) {
    SingleFlightCache<String, String> cache = cache(mode);
    List<Future<String>> asks = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      asks.add(cache.get("robots", this::slowLoad));
    }
    pending.forEach(p -> p.complete("rules"));
    pending.clear();
    assertThat(asks).allMatch(f -> "rules".equals(f.result()));
    Future<String> later = cache.get("robots", this::slowLoad);
    pending.forEach(p -> p.complete("rules"));
    assertThat(later.result()).isEqualTo("rules");
    return loads.getAndSet(0);
  }

  @Test
  @DisplayName("single flight: one load for overlapping asks and the later one")
  void singleFlight() {
    assertThat(loadsFor(SingleFlightCache.Mode.SINGLE_FLIGHT)).isEqualTo(1);
  }

  @Test
  @DisplayName("plain: every overlapping ask loads (the thundering herd), the later one is a hit")
  void plain() {
    assertThat(loadsFor(SingleFlightCache.Mode.PLAIN)).isEqualTo(10);
  }

  @Test
  @DisplayName("none: every ask loads")
  void none() {
    assertThat(loadsFor(SingleFlightCache.Mode.NONE)).isEqualTo(11);
  }

  @Test
  @DisplayName("modes are named as in the configuration")
  void names() {
    assertThat(SingleFlightCache.Mode.of("single-flight")).isEqualTo(SingleFlightCache.Mode.SINGLE_FLIGHT);
    assertThat(SingleFlightCache.Mode.of("plain")).isEqualTo(SingleFlightCache.Mode.PLAIN);
    assertThat(SingleFlightCache.Mode.of("none")).isEqualTo(SingleFlightCache.Mode.NONE);
  }
}
