package dev.fetchbus.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Memory settings are checked against the heap before a node starts")
class MemoryFitTest {
  private static final long MIB = 1L << 20;

  @Test
  @DisplayName("the shipped defaults fit the launchers' -Xmx256m")
  void defaultsFitTheShippedHeap() {
    Settings defaults = Settings.load(new JsonObject(), Map.of());
    assertThat(MemoryFit.of(defaults).bytes()).isLessThanOrEqualTo(256 * MIB);
    assertThatNoException().isThrownBy(() -> MemoryFit.check(defaults, 256 * MIB));
  }

  @Test
  @DisplayName("a job body cap of 64 MiB cannot fit 256 MiB: refused, naming the keys, variables and the sum")
  void unfitSettingsAreRefused() {
    Settings big = Settings.load(new JsonObject(), Map.of("FETCHBUS_JOB_MAX_BODY_BYTES", String.valueOf(64 * MIB)));
    assertThatThrownBy(() -> MemoryFit.check(big, 256 * MIB))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the JVM has 256 MiB")
        .hasMessageContaining("FETCHBUS_JOB_MAX_BODY_BYTES")
        .hasMessageContaining("fetch.maxBufferedBytes")
        .hasMessageContaining("4 × the largest body");
    assertThatNoException().isThrownBy(() -> MemoryFit.check(big, 2048 * MIB));
  }

  @Test
  @DisplayName("an API-only node needs no fetch budget; a fetch-only node no export bodies")
  void rolesDecideTheTerms() {
    Settings api = Settings.load(new JsonObject(), Map.of("FETCHBUS_NODE_ROLES", "api"));
    Settings fetch = Settings.load(new JsonObject(), Map.of("FETCHBUS_NODE_ROLES", "fetch"));
    Settings both = Settings.load(new JsonObject(), Map.of());
    assertThat(MemoryFit.of(api).terms()).noneMatch(t -> t.contains("maxBufferedBytes"));
    assertThat(MemoryFit.of(fetch).terms()).noneMatch(t -> t.contains("exportPoolSize"));
    assertThat(MemoryFit.of(both).bytes()).isEqualTo(MemoryFit.of(api).bytes() + MemoryFit.of(fetch).bytes()
        - MemoryFit.RESERVE_BYTES);
  }
}
