package dev.fetchbus.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("A Retry-After header")
class RetryAfterTest {
  private static final long NOW = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
  private static final long DAY_MS = 24L * 3600 * 1000;

  @ParameterizedTest(name = "''{0}'' means {1} ms")
  @CsvSource({
      "0,          0",
      "1,          1000",
      "120,        120000",
      "' 30 ',     30000",
      "86400,      86400000",
      "86401,      86400000",
      "999999999,  86400000",
  })
  void delaySeconds(String header, long expectedMs) {
    assertThat(RetryAfter.millis(header, NOW)).isEqualTo(expectedMs);
  }

  @Test
  @DisplayName("an HTTP date means the time from now until then")
  void httpDate() {
    assertThat(RetryAfter.millis("Wed, 01 Jan 2025 00:02:00 GMT", NOW)).isEqualTo(120_000);
    assertThat(RetryAfter.millis("Wed, 01 Jan 2025 00:00:01 GMT", NOW)).isEqualTo(1_000);
  }

  @Test
  @DisplayName("an HTTP date in the past means no delay, and one far ahead is capped at a day")
  void httpDateBounds() {
    assertThat(RetryAfter.millis("Tue, 31 Dec 2024 23:00:00 GMT", NOW)).isZero();
    assertThat(RetryAfter.millis("Sat, 01 Feb 2025 00:00:00 GMT", NOW)).isEqualTo(DAY_MS);
  }

  @Test
  @DisplayName("a negative number of seconds means no delay")
  void negative() {
    assertThat(RetryAfter.millis("-5", NOW)).isZero();
  }

  @ParameterizedTest(name = "a huge delay ''{0}'' is capped at a day")
  @ValueSource(strings = {"9223372036854775", "9223372036854776", "18446744073709552", "9223372036854775807",
      "99999999999999999999999"})
  void hugeDelayIsCapped(String header) {
    assertThat(RetryAfter.millis(header, NOW)).isEqualTo(DAY_MS);
  }

  @ParameterizedTest(name = "''{0}'' means no delay")
  @NullAndEmptySource
  @ValueSource(strings = {"   ", "soon", "1.5", "Wed, 01 Jan 2025", "2025-01-01T00:02:00Z"})
  void unreadable(String header) {
    assertThat(RetryAfter.millis(header, NOW)).isZero();
  }
}
