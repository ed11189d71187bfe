package dev.fetchbus.metrics;

import dev.fetchbus.cache.NodeShared;
import dev.fetchbus.config.Settings;
import dev.fetchbus.store.UsageReport;
import dev.fetchbus.store.UsageReport.UserUsage;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Each user's work under way against its limits, for /metrics and the dashboard: the {@link #SHOWN}
 * users with the most URLs under way, refreshed every {@link #REFRESH_MS} from PostgreSQL, so the
 * figures are the cluster's and the {@code user} label (a user id) has at most {@link #SHOWN}
 * values at a time. One per node.
 */
public final class UserUsageMetrics {
  static final int SHOWN = 10;
  static final long REFRESH_MS = 5000;
  private final Settings.Limits defaults;
  private final MultiGauge activeJobs;
  private final MultiGauge activeUrls;
  private final MultiGauge jobsLimit;
  private final MultiGauge urlsLimit;
  private final MultiGauge leasedUrls;
  private final MultiGauge fetchesLimit;
  private final MultiGauge requests;
  private final MultiGauge requestsLimit;
  private volatile List<UserUsage> latest = List.of();

  private UserUsageMetrics(Settings.Limits defaults) {
    this.defaults = defaults;
    activeJobs = MultiGauge.builder("fetchbus_user_active_jobs")
        .description("Jobs queued or running, for the users with the most URLs under way").register(Meters.registry());
    activeUrls = MultiGauge.builder("fetchbus_user_active_urls")
        .description("URLs accepted by jobs under way, for the same users").register(Meters.registry());
    jobsLimit = MultiGauge.builder("fetchbus_user_limit_active_jobs")
        .description("Each shown user's limit on jobs under way (limits.activeJobs or its own)")
        .register(Meters.registry());
    urlsLimit = MultiGauge.builder("fetchbus_user_limit_active_urls")
        .description("Each shown user's limit on URLs under way (limits.activeUrls or its own)")
        .register(Meters.registry());
    leasedUrls = MultiGauge.builder("fetchbus_user_leased_urls")
        .description("URLs leased to a node now (fetching or about to), for the same users")
        .register(Meters.registry());
    fetchesLimit = MultiGauge.builder("fetchbus_user_limit_concurrent_fetches")
        .description("Each shown user's limit on fetches at once (limits.concurrentFetches or its own)")
        .register(Meters.registry());
    requests = MultiGauge.builder("fetchbus_user_requests_this_second")
        .description("API requests in the current second, for the same users").register(Meters.registry());
    requestsLimit = MultiGauge.builder("fetchbus_user_limit_requests_per_second")
        .description("Each shown user's limit on API requests per second (limits.requestsPerSecond or its own)")
        .register(Meters.registry());
  }

  /** Starts the node's refresher once, however many API instances ask. */
  public static void start(Vertx vertx, UsageReport report, Settings.Limits defaults) {
    NodeShared.get(vertx, "userUsage", () -> {
      UserUsageMetrics metrics = new UserUsageMetrics(defaults);
      vertx.setPeriodic(1, REFRESH_MS, id -> report.busiestUsers(SHOWN).onSuccess(metrics::update));
      return metrics;
    });
  }

  /** The shown users for /ops/stats; empty on a node that does not refresh them. */
  static JsonArray latest(Vertx vertx) {
    UserUsageMetrics metrics = NodeShared.find(vertx, "userUsage");
    JsonArray users = new JsonArray();
    if (metrics != null) {
      for (UserUsage u : metrics.latest) {
        users.add(new JsonObject().put("user", u.userId()).put("activeJobs", u.activeJobs())
            .put("activeJobsLimit", metrics.jobsLimitOf(u)).put("activeUrls", u.activeUrls())
            .put("activeUrlsLimit", metrics.urlsLimitOf(u)).put("leasedUrls", u.leasedUrls())
            .put("concurrentFetchesLimit", metrics.limits(u).concurrentFetches())
            .put("requestsThisSecond", u.requestsThisSecond())
            .put("requestsPerSecondLimit", metrics.limits(u).requestsPerSecond()));
      }
    }
    return users;
  }

  private void update(List<UserUsage> users) {
    latest = users;
    activeJobs.register(rows(users, UserUsage::activeJobs), true);
    activeUrls.register(rows(users, UserUsage::activeUrls), true);
    jobsLimit.register(rows(users, this::jobsLimitOf), true);
    urlsLimit.register(rows(users, this::urlsLimitOf), true);
    leasedUrls.register(rows(users, UserUsage::leasedUrls), true);
    fetchesLimit.register(rows(users, u -> limits(u).concurrentFetches()), true);
    requests.register(rows(users, UserUsage::requestsThisSecond), true);
    requestsLimit.register(rows(users, u -> limits(u).requestsPerSecond()), true);
  }

  private Settings.Limits limits(UserUsage u) {
    return u.overrides().over(defaults);
  }

  private long jobsLimitOf(UserUsage u) {
    return limits(u).activeJobs();
  }

  private long urlsLimitOf(UserUsage u) {
    return limits(u).activeUrls();
  }

  private static List<MultiGauge.Row<?>> rows(List<UserUsage> users, ToLongFunction<UserUsage> value) {
    return users.stream().<MultiGauge.Row<?>>map(u -> MultiGauge.Row.of(Tags.of("user", String.valueOf(u.userId())),
        value.applyAsLong(u))).toList();
  }
}
