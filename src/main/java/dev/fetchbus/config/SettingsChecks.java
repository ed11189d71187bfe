package dev.fetchbus.config;

import java.util.Set;
import java.util.TreeSet;
import org.slf4j.LoggerFactory;

/**
 * The checks a node's settings must pass before it starts, kept apart from {@link Settings}, which
 * reads them. Each message names the key and its environment variable. The checks run in one fixed
 * order, so a configuration with several faults always reports the same one first.
 */
final class SettingsChecks {
  private SettingsChecks() {}

  static void validate(Settings s) {
    nodeAndApi(s);
    fetchAndFrontier(s);
    jobs(s);
    lookups(s);
    users(s);
    probesAndPacing(s);
  }

  private static void nodeAndApi(Settings s) {
    if (s.roles().isEmpty() || !Set.of("api", "fetch").containsAll(s.roles())) {
      throw new IllegalArgumentException("node.roles must name api, fetch or both, got " + s.roles()
          + " (env FETCHBUS_NODE_ROLES)");
    }
    positive("cluster.membershipMs", s.cluster().membershipMs());
    if (s.cluster().memberTimeoutMs() <= s.cluster().membershipMs()) {
      throw new IllegalArgumentException("cluster.memberTimeoutMs must be longer than cluster.membershipMs "
          + "(env FETCHBUS_CLUSTER_MEMBER_TIMEOUT_MS)");
    }
    positive("http.port", s.http().port());
    positive("http.idleTimeoutSeconds", s.http().idleTimeoutSeconds());
    positive("http.headerTimeoutMs", s.http().headerTimeoutMs());
    positive("http.maxHeaderBytes", s.http().maxHeaderBytes());
    positive("http.maxExportsPerUser", s.http().maxExportsPerUser());
    positive("http.exportStallSeconds", s.http().exportStallSeconds());
  }

  private static void fetchAndFrontier(Settings s) {
    positive("fetch.maxInFlight", s.fetch().maxInFlight());
    positive("fetch.timeoutMs", s.fetch().timeoutMs());
    positive("fetch.maxBodyBytes", s.fetch().maxBodyBytes());
    positive("fetch.maxBufferedBytes", s.fetch().maxBufferedBytes());
    positive("fetch.maxAttempts", s.fetch().maxAttempts());
    positive("fetch.poolPerHost", s.fetch().poolPerHost());
    positive("host.maxConcurrency", s.host().maxConcurrency());
    positive("frontier.leaseSeconds", s.frontier().leaseSeconds());
    positive("frontier.claimBatch", s.frontier().claimBatch());
    positive("frontier.partitions", s.frontier().partitions());
    positive("store.batchSize", s.store().batchSize());
    if (!Set.of("zstd", "deflate", "none").contains(s.store().compression())) {
      throw new IllegalArgumentException("store.compression must be zstd, deflate or none, got '"
          + s.store().compression() + "' (env FETCHBUS_STORE_COMPRESSION)");
    }
  }

  private static void jobs(Settings s) {
    Settings.JobLimits job = s.job();
    positive("job.retentionSweepSeconds", job.retentionSweepSeconds());
    positive("job.maxPriority", job.maxPriority());
    positive("job.maxUserAgentLength", job.maxUserAgentLength());
    positive("job.maxHeaderBytes", job.maxHeaderBytes());
    positive("job.cookieCacheMs", job.cookieCacheMs());
    if (job.maxHeaders() < 0 || job.maxCookies() < 0 || !printableAscii(s.fetch().userAgent())) {
      throw new IllegalArgumentException("job.maxHeaders and job.maxCookies must not be negative, and fetch.userAgent "
          + "must be printable ASCII "
          + "(env FETCHBUS_JOB_MAX_HEADERS, FETCHBUS_JOB_MAX_COOKIES, FETCHBUS_FETCH_USER_AGENT)");
    }
    if (job.retentionDays() < 0) {
      throw new IllegalArgumentException(
          "job.retentionDays must be 0 (keep forever) or more (env FETCHBUS_JOB_RETENTION_DAYS)");
    }
  }

  private static void lookups(Settings s) {
    positive("pg.poolSize", s.pg().poolSize());
    positive("pg.exportPoolSize", s.pg().exportPoolSize());
    positive("robots.ttlSeconds", s.robots().ttlSeconds());
    positive("robots.timeoutMs", s.robots().timeoutMs());
    positive("robots.maxBytes", s.robots().maxBytes());
    positive("robots.cacheSize", s.robots().cacheSize());
    positive("sitemap.maxBytes", s.sitemapMaxBytes());
    positive("dns.ttlSeconds", s.dns().ttlSeconds());
    positive("dns.cacheSize", s.dns().cacheSize());
    positive("fetchCache.ttlSeconds", s.fetchCache().ttlSeconds());
    positive("fetchCache.maxBytes", s.fetchCache().maxBytes());
    positive("metrics.profileMaxSeconds", s.metrics().profileMaxSeconds());
    positive("pg.embeddedRestarts", s.pg().embeddedRestarts());
    positive("store.batchBodyBytes", s.store().batchBodyBytes());
  }

  private static void users(Settings s) {
    positive("webhook.pollMs", s.webhook().pollMs());
    positive("limits.activeJobs", s.limits().activeJobs());
    positive("limits.concurrentFetches", s.limits().concurrentFetches());
    positive("bridge.progressMs", s.bridge().progressMs());
    tuning(s.tuning());
    positive("limits.requestsPerSecond", s.limits().requestsPerSecond());
    if (s.limits().activeUrls() < 1) {
      throw new IllegalArgumentException("limits.activeUrls must be positive (env FETCHBUS_LIMITS_ACTIVE_URLS)");
    }
    positive("webhook.retryBaseMs", s.webhook().retryBaseMs());
    positive("webhook.maxAttempts", s.webhook().maxAttempts());
    positive("webhook.timeoutMs", s.webhook().timeoutMs());
  }

  private static void probesAndPacing(Settings s) {
    if (s.management().port() < 0 || s.management().port() > 65535) {
      throw new IllegalArgumentException("management.port must be 0 (off) to 65535, got " + s.management().port()
          + " (env FETCHBUS_MANAGEMENT_PORT)");
    }
    positive("metrics.loopProbeMs", s.metrics().loopProbeMs());
    if (s.metrics().loopBlockedMs() < 0) {
      throw new IllegalArgumentException(
          "metrics.loopBlockedMs must not be negative (env FETCHBUS_METRICS_LOOP_BLOCKED_MS)");
    }
    if (s.host().delayJitter() < 0 || s.host().delayJitter() > 10) {
      throw new IllegalArgumentException("host.delayJitter must be between 0 and 10, got " + s.host().delayJitter());
    }
    if (s.fetch().poolPerHost() < s.job().maxHostConcurrency()) {
      LoggerFactory.getLogger(Settings.class).warn("fetch.poolPerHost ({}) is below job.maxHostConcurrency ({}): "
          + "jobs asking for more will be held back by the connection pool", s.fetch().poolPerHost(),
          s.job().maxHostConcurrency());
    }
    if (s.host().delayMs() < 0 || s.fetch().maxRedirects() < 0) {
      throw new IllegalArgumentException("host.delayMs and fetch.maxRedirects must not be negative");
    }
  }

  /** A header value a request can carry: visible ASCII, and spaces after the first character. */
  private static boolean printableAscii(String value) {
    return value.matches("[\\x21-\\x7E][\\x20-\\x7E]*");
  }

  private static void tuning(Settings.Tuning tuning) {
    oneOf("tuning.cacheMode", tuning.cacheMode(), Settings.Tuning.CACHE_MODES);
    oneOf("tuning.pgPool", tuning.pgPool(), Set.of("node", "verticle"));
    oneOf("tuning.ingest", tuning.ingest(), Set.of("stream", "whole"));
    if (tuning.eventLoops() < 0) {
      throw new IllegalArgumentException("tuning.eventLoops must be 0 (Vert.x's default, 2 per core) or more "
          + "(env FETCHBUS_TUNING_EVENT_LOOPS)");
    }
  }

  private static void positive(String key, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(
          key + " must be positive, got " + value + " (env " + ConfigLoader.envName(key) + ")");
    }
  }

  private static void oneOf(String key, String value, Set<String> allowed) {
    if (!allowed.contains(value)) {
      throw new IllegalArgumentException(key + " must be one of " + new TreeSet<>(allowed) + ", got '" + value
          + "' (env " + ConfigLoader.envName(key) + ")");
    }
  }
}
