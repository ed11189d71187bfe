package dev.fetchbus.api;

import dev.fetchbus.config.Settings;
import dev.fetchbus.store.JobTable;
import dev.fetchbus.store.TooManyJobs;
import dev.fetchbus.store.UserTable;
import dev.fetchbus.store.UserTable.User;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * What one user may have under way, checked against PostgreSQL so that it holds across the
 * cluster: jobs queued or running ({@code limits.activeJobs}), the URLs those jobs accepted
 * ({@code limits.activeUrls}) and API requests in the current second ({@code limits.requestsPerSecond},
 * counted by the key lookup). Concurrent fetches are the frontier's ({@code frontier.UserSlots}). An admin may set a
 * user's own ({@code PATCH /v1/users/{id}}).
 * Going over answers 429 with {@code Retry-After} and an error code that names the limit. Two job
 * creations of one user at the very same moment may both pass the check: the limit is a fairness
 * bound, not an exact one.
 */
final class UserLimits {
  private static final int RETRY_AFTER_SECONDS = 5;
  private final Settings.Limits defaults;
  private final JobTable jobs;

  UserLimits(Settings.Limits defaults, JobTable jobs) {
    this.defaults = defaults;
    this.jobs = jobs;
  }

  int activeJobs(User user) {
    return user.overrides().over(defaults).activeJobs();
  }

  long activeUrls(User user) {
    return user.overrides().over(defaults).activeUrls();
  }

  int concurrentFetches(User user) {
    return user.overrides().over(defaults).concurrentFetches();
  }

  JsonObject view(User user) {
    Settings.Limits limits = user.overrides().over(defaults);
    return new JsonObject().put("activeJobs", limits.activeJobs()).put("activeUrls", limits.activeUrls())
        .put("concurrentFetches", limits.concurrentFetches()).put("requestsPerSecond", limits.requestsPerSecond());
  }

  /** Completes when the caller is within its requests per second; admins are not limited. */
  Future<User> admitRequest(UserTable.Caller caller) {
    User user = caller.user();
    int limit = user.overrides().over(defaults).requestsPerSecond();
    if (user.isAdmin() || caller.requestsThisSecond() <= limit) {
      return Future.succeededFuture(user);
    }
    return Future.failedFuture(ApiError.tooMany("too_many_requests", "At most " + limit
        + " API requests per second (limits.requestsPerSecond); slow down", 1));
  }

  /**
   * Completes when the user may start another job: the early answer, before an upload is read. The
   * job's insert checks again, atomically ({@link TooManyJobs}, answered the same way by
   * {@link ErrorResponses}).
   */
  Future<Void> admitJob(User user) {
    int limit = activeJobs(user);
    return jobs.activeUsage(user.id()).compose(usage -> usage.activeJobs() < limit ? Future.succeededFuture()
        : Future.failedFuture(tooManyJobs(limit)));
  }

  /** The API's answer when a user has {@code limit} (limits.activeJobs) jobs under way. */
  static ApiError tooManyJobs(int limit) {
    return ApiError.tooMany("too_many_jobs", "At most " + limit
        + " jobs queued or running at once (limits.activeJobs); one must end first", RETRY_AFTER_SECONDS);
  }

  /** Completes when the user's active jobs may accept {@code more} URLs. */
  Future<Void> admitUrls(User user, int more) {
    if (more == 0) {
      return Future.succeededFuture();
    }
    return jobs.activeUsage(user.id()).compose(usage -> usage.activeUrls() + more <= activeUrls(user)
        ? Future.succeededFuture()
        : Future.failedFuture(ApiError.tooMany("too_many_urls", "At most " + activeUrls(user)
            + " URLs in jobs under way at once (limits.activeUrls); this job would bring "
            + (usage.activeUrls() + more) + ". It is cancelled; send it again once others have ended",
            RETRY_AFTER_SECONDS)));
  }
}
