package dev.fetchbus.store;

import dev.fetchbus.config.Settings;
import io.vertx.sqlclient.Row;
import java.util.Map;

/**
 * A user's own limits, set by an admin ({@code PATCH /v1/users/{id}}); a null field takes the
 * configured default ({@code limits.*}). Read from the {@code users.max_*} columns.
 */
public record LimitOverrides(Integer activeJobs, Long activeUrls, Integer concurrentFetches,
    Integer requestsPerSecond) {
  public static final LimitOverrides NONE = new LimitOverrides(null, null, null, null);
  /** The columns {@link #of(Row)} reads, qualified for a query on {@code users u}. */
  static final String COLUMNS = "u.max_active_jobs, u.max_active_urls, u.max_concurrent_fetches, "
      + "u.max_requests_per_second";

  static LimitOverrides of(Row row) {
    return new LimitOverrides(row.getInteger("max_active_jobs"), row.getLong("max_active_urls"),
        row.getInteger("max_concurrent_fetches"), row.getInteger("max_requests_per_second"));
  }

  /** The limits that hold for this user. */
  public Settings.Limits over(Settings.Limits defaults) {
    return new Settings.Limits(
        activeJobs != null ? activeJobs : defaults.activeJobs(),
        activeUrls != null ? activeUrls : defaults.activeUrls(),
        concurrentFetches != null ? concurrentFetches : defaults.concurrentFetches(),
        requestsPerSecond != null ? requestsPerSecond : defaults.requestsPerSecond());
  }

  /** These overrides with the fields {@code changes} sets (a field set to null there goes back to the default). */
  public LimitOverrides with(Map<String, Long> changes) {
    return new LimitOverrides(
        changes.containsKey("activeJobs") ? toInt(changes.get("activeJobs")) : activeJobs,
        changes.containsKey("activeUrls") ? changes.get("activeUrls") : activeUrls,
        changes.containsKey("concurrentFetches") ? toInt(changes.get("concurrentFetches")) : concurrentFetches,
        changes.containsKey("requestsPerSecond") ? toInt(changes.get("requestsPerSecond")) : requestsPerSecond);
  }

  private static Integer toInt(Long value) {
    return value == null ? null : Math.toIntExact(value);
  }
}
