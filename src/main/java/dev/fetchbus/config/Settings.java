package dev.fetchbus.config;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The typed, validated view of the effective configuration. Built once per verticle from its
 * config JSON, so every verticle can also be deployed alone ({@code vertx run} style) and still
 * get defaults and environment overrides.
 */
public record Settings(
    JsonObject json,
    Http http,
    Set<String> roles,
    Cluster cluster,
    String dataDir,
    Pg pg,
    String adminKey,
    Fetch fetch,
    Host host,
    Robots robots,
    Dns dns,
    FetchCache fetchCache,
    int sitemapMaxBytes,
    int cpuThreads,
    JobLimits job,
    Frontier frontier,
    Store store,
    Metrics metrics,
    Management management,
    Webhook webhook,
    Limits limits,
    Bridge bridge,
    Tuning tuning,
    Egress egress) {

  /** The API: where it listens, how many instances, and the caps on what clients send. */
  public record Http(String host, int port, int instances, int maxJsonBytes, long maxUploadLines, long maxUploadBytes,
      int idleTimeoutSeconds, int headerTimeoutMs, int maxHeaderBytes, int maxConnectionsPerIp, int maxExportsPerUser,
      int exportStallSeconds) {}

  /** How this node joins others: Hazelcast bind address, TCP/IP members and ports. */
  public record Cluster(String host, List<String> members, String configFile, int hazelcastPort, int eventbusPort,
      int membershipMs, int memberTimeoutMs) {}

  public record Pg(String url, int poolSize, int exportPoolSize, int embeddedPort, int embeddedRestarts) {}

  public record Fetch(
      int instances,
      int maxInFlight,
      List<String> allowNetworks,
      int connectTimeoutMs,
      int idleTimeoutMs,
      int timeoutMs,
      int maxBodyBytes,
      int maxRedirects,
      int maxAttempts,
      int retryBaseMs,
      int poolPerHost,
      String userAgent,
      int maxBufferedBytes) {}

  public record Host(int maxConcurrency, int delayMs, double delayJitter) {}

  public record Dns(int ttlSeconds, int cacheSize) {}

  /** GET /v1/fetch's cache of outcomes, on the node owning each URL's host. */
  public record FetchCache(int ttlSeconds, int maxBytes) {}

  public record Robots(
      String agent, int ttlSeconds, int errorTtlMs, int timeoutMs, int maxBytes, int maxCrawlDelayMs, int cacheSize) {}

  /** The bounds within which a job's own options may override the node's defaults. */
  public record JobLimits(
      int maxHostConcurrency, int minHostDelayMs, int maxTimeoutMs, int maxBodyBytes, int rejectedSamples,
      int retentionDays, int retentionSweepSeconds, int maxPriority, int maxUserAgentLength, int maxHeaders,
      int maxHeaderBytes, int maxCookies, int cookieCacheMs) {}

  /** Claims and leases, and {@code seenLinks}: how many links (8 bytes each) the filter of links seen may hold. */
  public record Frontier(int leaseSeconds, int claimBatch, int pollMs, int partitions, int seenLinks) {}

  /** The batch writer, and how bodies are compressed for the content store (zstd, deflate or none). */
  public record Store(int batchSize, int flushMs, String compression, int compressionLevel, int batchBodyBytes) {}

  /**
   * Profiling and event-loop probes: the longest on-demand profile, how often each event loop's
   * lag is sampled, and the lag counted as a blocked loop (0: Vert.x's max event loop execute time).
   */
  public record Metrics(int profileMaxSeconds, int loopProbeMs, int loopBlockedMs) {}

  /**
   * The management server: {@code /metrics}, {@code /ops/stats} and {@code /dashboard} without a key,
   * for an operator's scraper on this host. Port 0 turns it off; the API port then serves those routes
   * to admin and metrics keys only.
   */
  /**
   * What one user may have under way at once, unless an admin set its own ({@code PATCH /v1/users/{id}}):
   * jobs queued or running, the URLs they accepted, fetches running across the cluster, and API
   * requests per second (admins are not rate-limited).
   */
  public record Limits(int activeJobs, long activeUrls, int concurrentFetches, int requestsPerSecond) {}

  /** Job callbacks: how often due ones are looked for, the retry backoff, and when to give up. */
  public record Webhook(int pollMs, int retryBaseMs, int maxAttempts, int timeoutMs) {}

  /** The TCP event-bus bridge: off while {@code port} is 0; how often it sends each job's progress. */
  public record Bridge(String host, int port, int progressMs) {}

  /**
   * The experiments' switches (docs/experiments.md): each turns one of the async-tuning techniques
   * off, so its effect can be measured. The defaults are the techniques on; the others are for
   * measuring, not for production.
   */
  public record Tuning(String cacheMode, String pgPool, String ingest, boolean cpuOnEventLoop, int eventLoops) {
    public static final Set<String> CACHE_MODES = Set.of("single-flight", "plain", "none");

    /** One pool per verticle instance instead of one per node. */
    public boolean pgPoolPerVerticle() {
      return "verticle".equals(pgPool);
    }

    /** Uploads read whole into memory before parsing, instead of streamed line by line. */
    public boolean wholeBodyIngest() {
      return "whole".equals(ingest);
    }
  }

  public record Management(String host, int port) {
    public boolean enabled() {
      return port > 0;
    }
  }

  /** Defaults, then {@code overlay}, then the process environment (and any {@link ConfigLoader#pin pinned} variables). */
  public static Settings load(JsonObject overlay) {
    return from(ConfigLoader.load(overlay, ConfigLoader.environment()));
  }

  public static Settings load(JsonObject overlay, Map<String, String> env) {
    return from(ConfigLoader.load(overlay, env));
  }

  /** Reads an already effective configuration (as passed to verticles by the entry point). */
  public static Settings from(JsonObject c) {
    int cores = Runtime.getRuntime().availableProcessors();
    JsonObject h = c.getJsonObject("http");
    JsonObject p = c.getJsonObject("pg");
    JsonObject f = c.getJsonObject("fetch");
    JsonObject ho = c.getJsonObject("host");
    JsonObject r = c.getJsonObject("robots");
    JsonObject j = c.getJsonObject("job");
    JsonObject fr = c.getJsonObject("frontier");
    JsonObject s = c.getJsonObject("store");
    JsonObject cl = c.getJsonObject("cluster");
    JsonObject m = c.getJsonObject("metrics");
    JsonObject mg = c.getJsonObject("management");
    JsonObject w = c.getJsonObject("webhook");
    JsonObject l = c.getJsonObject("limits");
    Settings settings = new Settings(
        c,
        new Http(h.getString("host"), h.getInteger("port"), orDefault(h.getInteger("instances"), 2 * cores),
            h.getInteger("maxJsonBytes"), h.getLong("maxUploadLines"), h.getLong("maxUploadBytes"),
            h.getInteger("idleTimeoutSeconds"), h.getInteger("headerTimeoutMs"), h.getInteger("maxHeaderBytes"),
            h.getInteger("maxConnectionsPerIp"), h.getInteger("maxExportsPerUser"), h.getInteger("exportStallSeconds")),
        Set.copyOf(csv(c.getJsonObject("node").getString("roles"))),
        new Cluster(cl.getString("host"), csv(cl.getString("members")), cl.getString("config"),
            c.getJsonObject("hazelcast").getInteger("port"), c.getJsonObject("eventbus").getInteger("port"),
            cl.getInteger("membershipMs"), cl.getInteger("memberTimeoutMs")),
        c.getJsonObject("data").getString("dir"),
        new Pg(p.getString("url"), p.getInteger("poolSize"), p.getInteger("exportPoolSize"), p.getInteger("embeddedPort"),
            p.getInteger("embeddedRestarts")),
        c.getJsonObject("admin").getString("key"),
        new Fetch(
            orDefault(f.getInteger("instances"), 2 * cores),
            f.getInteger("maxInFlight"),
            csv(f.getString("allowNetworks")),
            f.getInteger("connectTimeoutMs"),
            f.getInteger("idleTimeoutMs"),
            f.getInteger("timeoutMs"),
            f.getInteger("maxBodyBytes"),
            f.getInteger("maxRedirects"),
            f.getInteger("maxAttempts"),
            f.getInteger("retryBaseMs"),
            f.getInteger("poolPerHost"),
            f.getString("userAgent"),
            f.getInteger("maxBufferedBytes")),
        new Host(ho.getInteger("maxConcurrency"), ho.getInteger("delayMs"), ho.getDouble("delayJitter")),
        new Robots(r.getString("agent"), r.getInteger("ttlSeconds"), r.getInteger("errorTtlMs"), r.getInteger("timeoutMs"),
            r.getInteger("maxBytes"), r.getInteger("maxCrawlDelayMs"), r.getInteger("cacheSize")),
        new Dns(c.getJsonObject("dns").getInteger("ttlSeconds"), c.getJsonObject("dns").getInteger("cacheSize")),
        new FetchCache(c.getJsonObject("fetchCache").getInteger("ttlSeconds"), 
            c.getJsonObject("fetchCache").getInteger("maxBytes")),
        c.getJsonObject("sitemap").getInteger("maxBytes"),
        c.getJsonObject("cpu").getInteger("threads"),
        new JobLimits(j.getInteger("maxHostConcurrency"), j.getInteger("minHostDelayMs"),
            j.getInteger("maxTimeoutMs"), j.getInteger("maxBodyBytes"), j.getInteger("rejectedSamples"),
            j.getInteger("retentionDays"), j.getInteger("retentionSweepSeconds"), j.getInteger("maxPriority"),
            j.getInteger("maxUserAgentLength"), j.getInteger("maxHeaders"), j.getInteger("maxHeaderBytes"),
            j.getInteger("maxCookies"), j.getInteger("cookieCacheMs")),
        new Frontier(fr.getInteger("leaseSeconds"), fr.getInteger("claimBatch"), fr.getInteger("pollMs"),
            fr.getInteger("partitions"), fr.getInteger("seenLinks")),
        new Store(s.getInteger("batchSize"), s.getInteger("flushMs"), s.getString("compression"),
            s.getInteger("compressionLevel"), s.getInteger("batchBodyBytes")),
        new Metrics(m.getInteger("profileMaxSeconds"), m.getInteger("loopProbeMs"), m.getInteger("loopBlockedMs")),
        new Management(mg.getString("host"), mg.getInteger("port")),
        new Webhook(w.getInteger("pollMs"), w.getInteger("retryBaseMs"), w.getInteger("maxAttempts"), w.getInteger("timeoutMs")),
        new Limits(l.getInteger("activeJobs"), l.getLong("activeUrls"), l.getInteger("concurrentFetches"),
            l.getInteger("requestsPerSecond")),
        new Bridge(c.getJsonObject("bridge").getString("host"), c.getJsonObject("bridge").getInteger("port"),
            c.getJsonObject("bridge").getInteger("progressMs")),
        tuning(c.getJsonObject("tuning")),
        Egress.from(f));
    settings.validate();
    return settings;
  }

  private static Tuning tuning(JsonObject t) {
    return new Tuning(t.getString("cacheMode"), t.getString("pgPool"), t.getString("ingest"),
        t.getBoolean("cpuOnEventLoop"), t.getInteger("eventLoops"));
  }

  public boolean hasRole(String role) {
    return roles.contains(role);
  }

  private void validate() {
    if (roles.isEmpty() || !Set.of("api", "fetch").containsAll(roles)) {
      throw new IllegalArgumentException("node.roles must name api, fetch or both, got " + roles
          + " (env FETCHBUS_NODE_ROLES)");
    }
    positive("cluster.membershipMs", cluster.membershipMs);
    if (cluster.memberTimeoutMs <= cluster.membershipMs) {
      throw new IllegalArgumentException("cluster.memberTimeoutMs must be longer than cluster.membershipMs "
          + "(env FETCHBUS_CLUSTER_MEMBER_TIMEOUT_MS)");
    }
    positive("http.port", http.port);
    positive("http.idleTimeoutSeconds", http.idleTimeoutSeconds);
    positive("http.headerTimeoutMs", http.headerTimeoutMs);
    positive("http.maxHeaderBytes", http.maxHeaderBytes);
    positive("http.maxExportsPerUser", http.maxExportsPerUser);
    positive("http.exportStallSeconds", http.exportStallSeconds);
    positive("fetch.maxInFlight", fetch.maxInFlight);
    positive("fetch.timeoutMs", fetch.timeoutMs);
    positive("fetch.maxBodyBytes", fetch.maxBodyBytes);
    positive("fetch.maxBufferedBytes", fetch.maxBufferedBytes);
    positive("fetch.maxAttempts", fetch.maxAttempts);
    positive("fetch.poolPerHost", fetch.poolPerHost);
    positive("host.maxConcurrency", host.maxConcurrency);
    positive("frontier.leaseSeconds", frontier.leaseSeconds);
    positive("frontier.claimBatch", frontier.claimBatch);
    positive("frontier.partitions", frontier.partitions);
    positive("store.batchSize", store.batchSize);
    if (!Set.of("zstd", "deflate", "none").contains(store.compression)) {
      throw new IllegalArgumentException("store.compression must be zstd, deflate or none, got '" + store.compression
          + "' (env FETCHBUS_STORE_COMPRESSION)");
    }
    positive("job.retentionSweepSeconds", job.retentionSweepSeconds);
    positive("job.maxPriority", job.maxPriority);
    positive("job.maxUserAgentLength", job.maxUserAgentLength);
    positive("job.maxHeaderBytes", job.maxHeaderBytes);
    positive("job.cookieCacheMs", job.cookieCacheMs);
    if (job.maxHeaders < 0 || job.maxCookies < 0 || !fetch.userAgent.matches("[\\x21-\\x7E][\\x20-\\x7E]*")) {
      throw new IllegalArgumentException("job.maxHeaders and job.maxCookies must not be negative, and fetch.userAgent "
          + "must be printable ASCII (env FETCHBUS_JOB_MAX_HEADERS, FETCHBUS_JOB_MAX_COOKIES, FETCHBUS_FETCH_USER_AGENT)");
    }
    if (job.retentionDays < 0) {
      throw new IllegalArgumentException("job.retentionDays must be 0 (keep forever) or more (env FETCHBUS_JOB_RETENTION_DAYS)");
    }
    positive("pg.poolSize", pg.poolSize);
    positive("pg.exportPoolSize", pg.exportPoolSize);
    positive("robots.ttlSeconds", robots.ttlSeconds);
    positive("robots.timeoutMs", robots.timeoutMs);
    positive("robots.maxBytes", robots.maxBytes);
    positive("robots.cacheSize", robots.cacheSize);
    positive("sitemap.maxBytes", sitemapMaxBytes);
    positive("dns.ttlSeconds", dns.ttlSeconds);
    positive("dns.cacheSize", dns.cacheSize);
    positive("fetchCache.ttlSeconds", fetchCache.ttlSeconds);
    positive("fetchCache.maxBytes", fetchCache.maxBytes);
    positive("metrics.profileMaxSeconds", metrics.profileMaxSeconds);
    positive("pg.embeddedRestarts", pg.embeddedRestarts);
    positive("store.batchBodyBytes", store.batchBodyBytes);
    positive("webhook.pollMs", webhook.pollMs);
    positive("limits.activeJobs", limits.activeJobs);
    positive("limits.concurrentFetches", limits.concurrentFetches);
    positive("bridge.progressMs", bridge.progressMs);
    validateTuning();
    positive("limits.requestsPerSecond", limits.requestsPerSecond);
    if (limits.activeUrls < 1) {
      throw new IllegalArgumentException("limits.activeUrls must be positive (env FETCHBUS_LIMITS_ACTIVE_URLS)");
    }
    positive("webhook.retryBaseMs", webhook.retryBaseMs);
    positive("webhook.maxAttempts", webhook.maxAttempts);
    positive("webhook.timeoutMs", webhook.timeoutMs);
    if (management.port < 0 || management.port > 65535) {
      throw new IllegalArgumentException("management.port must be 0 (off) to 65535, got " + management.port
          + " (env FETCHBUS_MANAGEMENT_PORT)");
    }
    positive("metrics.loopProbeMs", metrics.loopProbeMs);
    if (metrics.loopBlockedMs < 0) {
      throw new IllegalArgumentException("metrics.loopBlockedMs must not be negative (env FETCHBUS_METRICS_LOOP_BLOCKED_MS)");
    }
    if (host.delayJitter < 0 || host.delayJitter > 10) {
      throw new IllegalArgumentException("host.delayJitter must be between 0 and 10, got " + host.delayJitter);
    }
    if (fetch.poolPerHost < job.maxHostConcurrency) {
      org.slf4j.LoggerFactory.getLogger(Settings.class).warn("fetch.poolPerHost ({}) is below job.maxHostConcurrency ({}): "
          + "jobs asking for more will be held back by the connection pool", fetch.poolPerHost, job.maxHostConcurrency);
    }
    if (host.delayMs < 0 || fetch.maxRedirects < 0) {
      throw new IllegalArgumentException("host.delayMs and fetch.maxRedirects must not be negative");
    }
  }

  private static void positive(String key, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(
          key + " must be positive, got " + value + " (env " + ConfigLoader.envName(key) + ")");
    }
  }

  private static int orDefault(Integer value, int fallback) {
    return value == null || value <= 0 ? fallback : value;
  }

  private static List<String> csv(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return List.of(value.trim().split("\\s*,\\s*"));
  }

  private void validateTuning() {
    oneOf("tuning.cacheMode", tuning.cacheMode, Tuning.CACHE_MODES);
    oneOf("tuning.pgPool", tuning.pgPool, Set.of("node", "verticle"));
    oneOf("tuning.ingest", tuning.ingest, Set.of("stream", "whole"));
    if (tuning.eventLoops < 0) {
      throw new IllegalArgumentException("tuning.eventLoops must be 0 (Vert.x's default, 2 per core) or more "
          + "(env FETCHBUS_TUNING_EVENT_LOOPS)");
    }
  }

  private static void oneOf(String key, String value, Set<String> allowed) {
    if (!allowed.contains(value)) {
      throw new IllegalArgumentException(key + " must be one of " + new java.util.TreeSet<>(allowed) + ", got '" + value
          + "' (env " + ConfigLoader.envName(key) + ")");
    }
  }
}
