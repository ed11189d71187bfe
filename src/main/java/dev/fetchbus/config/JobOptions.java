package dev.fetchbus.config;

import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * A job's own politeness and fetch knobs (robots.txt is obeyed unless {@code robots} is false;
 * HTML is parsed for title and links unless {@code extract} is false: the fetch-only mode; bodies
 * are kept in the content store unless {@code store} is {@code none}): the node's defaults,
 * overridden per job within the bounds the operator set in {@code job.*}. Out-of-bounds or unknown
 * options are refused with a message that names the bound, rather than silently clamped. What a
 * job adds to its requests (user agent, headers, cookies, credentials) is its {@link JobRequests};
 * whether its pages are rendered in Chromium is its {@link RenderOption}.
 */
public record JobOptions(int hostConcurrency, int hostDelayMs, int timeoutMs, int maxBodyBytes, boolean robots,
    boolean extract, String store, int priority, JobRequests requests, ProxyUrl proxy, RenderOption render) {
  public static final String STORE_BODY = "body";
  public static final String STORE_NONE = "none";
  private static final Set<String> KNOWN = Set.of("hostConcurrency", "hostDelayMs", "timeoutMs", "maxBodyBytes",
      "robots", "extract", "store", "priority", "userAgent", "headers", "cookies", "auth", "proxy", "render",
      "screenshot");

  public static JobOptions defaults(Settings s) {
    return new JobOptions(s.host().maxConcurrency(), s.host().delayMs(), s.fetch().timeoutMs(),
        s.fetch().maxBodyBytes(), true, true, STORE_BODY, 1, JobRequests.NONE, null, RenderOption.OFF);
  }

  /** The same options without the job's request additions or proxy (for tests and synchronous fetches). */
  public JobOptions(int hostConcurrency, int hostDelayMs, int timeoutMs, int maxBodyBytes, boolean robots,
      boolean extract, String store, int priority) {
    this(hostConcurrency, hostDelayMs, timeoutMs, maxBodyBytes, robots, extract, store, priority, JobRequests.NONE,
        null, RenderOption.OFF);
  }

  /** Whether the job keeps the bodies it fetches (the default), or records only. */
  public boolean storesBodies() {
    return STORE_BODY.equals(store);
  }

  /** Parses and checks a job's options; throws {@link IllegalArgumentException} with the reason. */
  public static JobOptions parse(JsonObject options, Settings s) {
    JsonObject o = options == null ? new JsonObject() : options;
    for (String key : o.fieldNames()) {
      if (!KNOWN.contains(key)) {
        throw new IllegalArgumentException("Unknown option '" + key + "'; known options are " + KNOWN);
      }
    }
    JobOptions d = defaults(s);
    Settings.JobLimits limits = s.job();
    return new JobOptions(
        bounded(o, "hostConcurrency", d.hostConcurrency(), 1, limits.maxHostConcurrency()),
        bounded(o, "hostDelayMs", d.hostDelayMs(), limits.minHostDelayMs(), 3_600_000),
        bounded(o, "timeoutMs", d.timeoutMs(), 100, limits.maxTimeoutMs()),
        bounded(o, "maxBodyBytes", d.maxBodyBytes(), 1, limits.maxBodyBytes()),
        flag(o, "robots", d.robots()),
        flag(o, "extract", d.extract()),
        store(o, d.store()),
        bounded(o, "priority", d.priority(), 1, limits.maxPriority()),
        JobRequestsParser.read(o, limits),
        JobProxy.parse(o.getValue("proxy"), s.egress().allowProxies()),
        RenderOption.parse(o, s));
  }

  /** Reads options that were stored after {@link #parse}: missing keys take today's defaults. */
  public static JobOptions stored(JsonObject options, Settings s) {
    JobOptions d = defaults(s);
    JsonObject o = options == null ? new JsonObject() : options;
    return new JobOptions(o.getInteger("hostConcurrency", d.hostConcurrency()),
        o.getInteger("hostDelayMs", d.hostDelayMs()),
        o.getInteger("timeoutMs", d.timeoutMs()), o.getInteger("maxBodyBytes", d.maxBodyBytes()),
        o.getBoolean("robots", d.robots()), o.getBoolean("extract", d.extract()),
        // jobs stored before the content store existed kept no bodies
        o.getString("store", STORE_NONE), o.getInteger("priority", d.priority()), JobRequests.stored(o),
        ProxyUrl.parseOptional(o.getString("proxy")), RenderOption.stored(o));
  }

  /**
   * The options as stored with the job: credentials, cookie values and the proxy's password included,
   * so {@code GET /v1/jobs/{id}} masks them ({@link Secrets#maskedJobOptions}).
   */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("hostConcurrency", hostConcurrency).put("hostDelayMs", hostDelayMs)
        .put("timeoutMs", timeoutMs).put("maxBodyBytes", maxBodyBytes).put("robots", robots).put("extract", extract)
        .put("store", store).put("priority", priority).mergeIn(requests.toJson()).mergeIn(render.toJson());
    return proxy == null ? json : json.put("proxy", proxy.url());
  }

  private static String store(JsonObject o, String fallback) {
    Object raw = o.getValue("store");
    if (raw == null) {
      return fallback;
    }
    if (STORE_BODY.equals(raw) || STORE_NONE.equals(raw)) {
      return (String) raw;
    }
    throw new IllegalArgumentException("Option 'store' must be 'body' or 'none', got '" + raw + "'");
  }

  private static boolean flag(JsonObject o, String key, boolean fallback) {
    Object raw = o.getValue(key);
    if (raw == null) {
      return fallback;
    }
    if (raw instanceof Boolean b) {
      return b;
    }
    if ("true".equals(raw) || "false".equals(raw)) {
      return Boolean.parseBoolean((String) raw);
    }
    throw new IllegalArgumentException("Option '" + key + "' must be true or false, got '" + raw + "'");
  }

  private static int bounded(JsonObject o, String key, int fallback, int min, int max) {
    Object raw = o.getValue(key);
    if (raw == null) {
      return fallback;
    }
    long value;
    if (raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      value = n.longValue();
    } else if (raw instanceof String text && text.matches("-?\\d{1,10}")) {
      value = Long.parseLong(text);
    } else {
      throw new IllegalArgumentException("Option '" + key + "' must be a whole number, got '" + raw + "'");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          "Option '" + key + "' must be between " + min + " and " + max + ", got " + value);
    }
    return (int) value;
  }
}
