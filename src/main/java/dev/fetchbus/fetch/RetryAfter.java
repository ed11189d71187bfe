package dev.fetchbus.fetch;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads a {@code Retry-After} header: delay seconds or an HTTP date. Unreadable or absent means 0. */
public final class RetryAfter {
  private static final long MAX_MS = 24L * 3600 * 1000;

  private RetryAfter() {}

  public static long millis(String header, long nowMs) {
    if (header == null || header.isBlank()) {
      return 0;
    }
    String value = header.strip();
    try {
      long seconds = Long.parseLong(value);
      // seconds * 1000 would overflow for huge values: anything past the cap is the cap
      return seconds > MAX_MS / 1000 ? MAX_MS : clamp(seconds * 1000);
    } catch (NumberFormatException notSeconds) {
      if (value.matches("[0-9]+")) {
        return MAX_MS; // more seconds than a long holds: still just "later than the cap"
      }
      try {
        return clamp(ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()
            .toEpochMilli() - nowMs);
      } catch (DateTimeParseException notADate) {
        return 0;
      }
    }
  }

  private static long clamp(long ms) {
    return Math.max(0, Math.min(ms, MAX_MS));
  }
}
