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
      int exportStallSeconds) {
    static Http from(JsonObject c) {
      JsonObject h = c.getJsonObject("http");
      return new Http(h.getString("host"), h.getInteger("port"), orDefault(h.getInteger("instances"), 2 * cores()),
          h.getInteger("maxJsonBytes"), h.getLong("maxUploadLines"), h.getLong("maxUploadBytes"),
          h.getInteger("idleTimeoutSeconds"), h.getInteger("headerTimeoutMs"), h.getInteger("maxHeaderBytes"),
          h.getInteger("maxConnectionsPerIp"), h.getInteger("maxExportsPerUser"), h.getInteger("exportStallSeconds"));
    }
  }

  /** How this node joins others: Hazelcast bind address, TCP/IP members and ports. */
  public record Cluster(String host, List<String> members, String configFile, int hazelcastPort, int eventbusPort,
      int membershipMs, int memberTimeoutMs) {
    static Cluster from(JsonObject c) {
      JsonObject cl = c.getJsonObject("cluster");
      return new Cluster(cl.getString("host"), csv(cl.getString("members")), cl.getString("config"),
          c.getJsonObject("hazelcast").getInteger("port"), c.getJsonObject("eventbus").getInteger("port"),
          cl.getInteger("membershipMs"), cl.getInteger("memberTimeoutMs"));
    }
  }

  public record Pg(String url, int poolSize, int exportPoolSize, int embeddedPort, int embeddedRestarts) {
    static Pg from(JsonObject c) {
      JsonObject p = c.getJsonObject("pg");
      return new Pg(p.getString("url"), p.getInteger("poolSize"), p.getInteger("exportPoolSize"),
          p.getInteger("embeddedPort"), p.getInteger("embeddedRestarts"));
    }
  }

  public record Fetch(int instances, int maxInFlight, List<String> allowNetworks, int connectTimeoutMs,
      int idleTimeoutMs, int timeoutMs, int maxBodyBytes, int maxRedirects, int maxAttempts, int retryBaseMs,
      int poolPerHost, String userAgent, int maxBufferedBytes) {
    static Fetch from(JsonObject c) {
      JsonObject f = c.getJsonObject("fetch");
      return new Fetch(orDefault(f.getInteger("instances"), 2 * cores()), f.getInteger("maxInFlight"),
          csv(f.getString("allowNetworks")), f.getInteger("connectTimeoutMs"), f.getInteger("idleTimeoutMs"),
          f.getInteger("timeoutMs"), f.getInteger("maxBodyBytes"), f.getInteger("maxRedirects"),
          f.getInteger("maxAttempts"), f.getInteger("retryBaseMs"), f.getInteger("poolPerHost"),
          f.getString("userAgent"), f.getInteger("maxBufferedBytes"));
    }
  }

  public record Host(int maxConcurrency, int delayMs, double delayJitter) {
    static Host from(JsonObject c) {
      JsonObject h = c.getJsonObject("host");
      return new Host(h.getInteger("maxConcurrency"), h.getInteger("delayMs"), h.getDouble("delayJitter"));
    }
  }

  public record Dns(int ttlSeconds, int cacheSize) {
    static Dns from(JsonObject c) {
      JsonObject d = c.getJsonObject("dns");
      return new Dns(d.getInteger("ttlSeconds"), d.getInteger("cacheSize"));
    }
  }

  /** GET /v1/fetch's cache of outcomes, on the node owning each URL's host. */
  public record FetchCache(int ttlSeconds, int maxBytes) {
    static FetchCache from(JsonObject c) {
      JsonObject f = c.getJsonObject("fetchCache");
      return new FetchCache(f.getInteger("ttlSeconds"), f.getInteger("maxBytes"));
    }
  }

  public record Robots(
      String agent, int ttlSeconds, int errorTtlMs, int timeoutMs, int maxBytes, int maxCrawlDelayMs, int cacheSize) {
    static Robots from(JsonObject c) {
      JsonObject r = c.getJsonObject("robots");
      return new Robots(r.getString("agent"), r.getInteger("ttlSeconds"), r.getInteger("errorTtlMs"),
          r.getInteger("timeoutMs"), r.getInteger("maxBytes"), r.getInteger("maxCrawlDelayMs"),
          r.getInteger("cacheSize"));
    }
  }

  /** The bounds within which a job's own options may override the node's defaults. */
  public record JobLimits(
      int maxHostConcurrency, int minHostDelayMs, int maxTimeoutMs, int maxBodyBytes, int rejectedSamples,
      int retentionDays, int retentionSweepSeconds, int maxPriority, int maxUserAgentLength, int maxHeaders,
      int maxHeaderBytes, int maxCookies, int cookieCacheMs) {
    static JobLimits from(JsonObject c) {
      JsonObject j = c.getJsonObject("job");
      return new JobLimits(j.getInteger("maxHostConcurrency"), j.getInteger("minHostDelayMs"),
          j.getInteger("maxTimeoutMs"), j.getInteger("maxBodyBytes"), j.getInteger("rejectedSamples"),
          j.getInteger("retentionDays"), j.getInteger("retentionSweepSeconds"), j.getInteger("maxPriority"),
          j.getInteger("maxUserAgentLength"), j.getInteger("maxHeaders"), j.getInteger("maxHeaderBytes"),
          j.getInteger("maxCookies"), j.getInteger("cookieCacheMs"));
    }
  }

  /** Claims and leases, and {@code seenLinks}: how many links (8 bytes each) the filter of links seen may hold. */
  public record Frontier(int leaseSeconds, int claimBatch, int pollMs, int partitions, int seenLinks) {
    static Frontier from(JsonObject c) {
      JsonObject f = c.getJsonObject("frontier");
      return new Frontier(f.getInteger("leaseSeconds"), f.getInteger("claimBatch"), f.getInteger("pollMs"),
          f.getInteger("partitions"), f.getInteger("seenLinks"));
    }
  }

  /** The batch writer, and how bodies are compressed for the content store (zstd, deflate or none). */
  public record Store(int batchSize, int flushMs, String compression, int compressionLevel, int batchBodyBytes) {
    static Store from(JsonObject c) {
      JsonObject s = c.getJsonObject("store");
      return new Store(s.getInteger("batchSize"), s.getInteger("flushMs"), s.getString("compression"),
          s.getInteger("compressionLevel"), s.getInteger("batchBodyBytes"));
    }
  }

  /**
   * Profiling and event-loop probes: the longest on-demand profile, how often each event loop's
   * lag is sampled, and the lag counted as a blocked loop (0: Vert.x's max event loop execute time).
   */
  public record Metrics(int profileMaxSeconds, int loopProbeMs, int loopBlockedMs) {
    static Metrics from(JsonObject c) {
      JsonObject m = c.getJsonObject("metrics");
      return new Metrics(m.getInteger("profileMaxSeconds"), m.getInteger("loopProbeMs"),
          m.getInteger("loopBlockedMs"));
    }
  }

  /**
   * What one user may have under way at once, unless an admin set its own ({@code PATCH /v1/users/{id}}):
   * jobs queued or running, the URLs they accepted, fetches running across the cluster, and API
   * requests per second (admins are not rate-limited).
   */
  public record Limits(int activeJobs, long activeUrls, int concurrentFetches, int requestsPerSecond) {
    static Limits from(JsonObject c) {
      JsonObject l = c.getJsonObject("limits");
      return new Limits(l.getInteger("activeJobs"), l.getLong("activeUrls"), l.getInteger("concurrentFetches"),
          l.getInteger("requestsPerSecond"));
    }
  }

  /** Job callbacks: how often due ones are looked for, the retry backoff, and when to give up. */
  public record Webhook(int pollMs, int retryBaseMs, int maxAttempts, int timeoutMs) {
    static Webhook from(JsonObject c) {
      JsonObject w = c.getJsonObject("webhook");
      return new Webhook(w.getInteger("pollMs"), w.getInteger("retryBaseMs"), w.getInteger("maxAttempts"),
          w.getInteger("timeoutMs"));
    }
  }

  /** The TCP event-bus bridge: off while {@code port} is 0; how often it sends each job's progress. */
  public record Bridge(String host, int port, int progressMs) {
    static Bridge from(JsonObject c) {
      JsonObject b = c.getJsonObject("bridge");
      return new Bridge(b.getString("host"), b.getInteger("port"), b.getInteger("progressMs"));
    }
  }

  /**
   * The experiments' switches (docs/experiments.md): each turns one of the async-tuning techniques
   * off, so its effect can be measured. The defaults are the techniques on; the others are for
   * measuring, not for production.
   */
  public record Tuning(String cacheMode, String pgPool, String ingest, boolean cpuOnEventLoop, int eventLoops) {
    public static final Set<String> CACHE_MODES = Set.of("single-flight", "plain", "none");

    static Tuning from(JsonObject c) {
      JsonObject t = c.getJsonObject("tuning");
      return new Tuning(t.getString("cacheMode"), t.getString("pgPool"), t.getString("ingest"),
          t.getBoolean("cpuOnEventLoop"), t.getInteger("eventLoops"));
    }

    /** One pool per verticle instance instead of one per node. */
    public boolean pgPoolPerVerticle() {
      return "verticle".equals(pgPool);
    }

    /** Uploads read whole into memory before parsing, instead of streamed line by line. */
    public boolean wholeBodyIngest() {
      return "whole".equals(ingest);
    }
  }

  /**
   * The management server: {@code /metrics}, {@code /ops/stats} and {@code /dashboard} without a key,
   * for an operator's scraper on this host. Port 0 turns it off; the API port then serves those routes
   * to admin and metrics keys only.
   */
  public record Management(String host, int port) {
    static Management from(JsonObject c) {
      JsonObject m = c.getJsonObject("management");
      return new Management(m.getString("host"), m.getInteger("port"));
    }

    public boolean enabled() {
      return port > 0;
    }
  }

  /**
   * Defaults, then {@code overlay}, then the process environment (and any {@link ConfigLoader#pin pinned} variables).
   */
  public static Settings load(JsonObject overlay) {
    return from(ConfigLoader.load(overlay, ConfigLoader.environment()));
  }

  public static Settings load(JsonObject overlay, Map<String, String> env) {
    return from(ConfigLoader.load(overlay, env));
  }

  /**
   * Reads an already effective configuration (as passed to verticles by the entry point). Each
   * section reads its own keys ({@code Http.from} and so on), so a new key of a section is added
   * to that section's record and the lines beneath it only.
   */
  public static Settings from(JsonObject c) {
    Settings settings = new Settings(c, Http.from(c), Set.copyOf(csv(c.getJsonObject("node").getString("roles"))),
        Cluster.from(c), c.getJsonObject("data").getString("dir"), Pg.from(c),
        c.getJsonObject("admin").getString("key"), Fetch.from(c), Host.from(c), Robots.from(c), Dns.from(c),
        FetchCache.from(c), c.getJsonObject("sitemap").getInteger("maxBytes"),
        c.getJsonObject("cpu").getInteger("threads"), JobLimits.from(c), Frontier.from(c), Store.from(c),
        Metrics.from(c), Management.from(c), Webhook.from(c), Limits.from(c), Bridge.from(c), Tuning.from(c),
        Egress.from(c.getJsonObject("fetch")));
    SettingsChecks.validate(settings);
    return settings;
  }

  public boolean hasRole(String role) {
    return roles.contains(role);
  }

  private static int cores() {
    return Runtime.getRuntime().availableProcessors();
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
}
