package dev.fetchbus.api;

import dev.fetchbus.config.JobOptions;
import dev.fetchbus.config.Settings;
import dev.fetchbus.cpu.CpuPool;
import dev.fetchbus.extract.Scope;
import dev.fetchbus.extract.UrlNormalizer;
import dev.fetchbus.fetch.FetchTask;
import dev.fetchbus.frontier.FrontierVerticle;
import dev.fetchbus.frontier.Partitions;
import dev.fetchbus.store.FrontierTable;
import dev.fetchbus.store.JobTable;
import dev.fetchbus.store.NewUrl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates crawl jobs: {@code {"kind": "crawl", "seeds": [...], "scope": {...}, "limits": {"maxDepth",
 * "maxPages", "maxDurationSeconds"}, "sitemaps": true, "sitemapSeeds": [...], "requisites": false,
 * "options": {...}}}.
 * Everything is validated before the job exists; a bad field is a 422 that names it.
 */
final class CrawlJobs {
  private static final int MAX_SEEDS = 10_000;
  private final Vertx vertx;
  private final CpuPool cpu;
  private final Settings settings;
  private final JobTable jobs;
  private final FrontierTable frontier;

  /** A validated crawl request. */
  private record Plan(JobOptions options, List<UrlNormalizer.Accepted> seeds, List<UrlNormalizer.Accepted> sitemaps,
      JsonObject stored, Long maxPages, Integer maxDurationSeconds) {}

  CrawlJobs(Vertx vertx, Settings settings, JobTable jobs, FrontierTable frontier) {
    this.vertx = vertx;
    this.cpu = CpuPool.of(vertx, settings.cpuThreads(), settings.tuning().cpuOnEventLoop());
    this.settings = settings;
    this.jobs = jobs;
    this.frontier = frontier;
  }

  /** A crawl job, while its user has fewer than {@code maxActive} jobs under way. */
  Future<JsonObject> create(long userId, int maxActive, JsonObject request) {
    return cpu.run(() -> validate(request))
        .recover(err ->
            Future.failedFuture(err instanceof IllegalArgumentException ? ApiError.invalid(err.getMessage()) : err))
        .compose(plan -> jobs.createCrawl(userId, maxActive, plan.options().toJson(), plan.stored(), plan.maxPages(),
                plan.maxDurationSeconds())
            .compose(id -> frontier.enqueueCapped(id, firstUrls(plan))
                .compose(accepted -> jobs.finishIngest(id, new JsonArray())
                    .compose(v -> jobs.finishIfComplete(List.of(id)))
                    .map(v -> summary(id, accepted, plan)))))
        .onSuccess(created -> vertx.eventBus().publish(FrontierVerticle.JOB_CREATED, created.getLong("id")));
  }

  private List<NewUrl> firstUrls(Plan plan) {
    List<NewUrl> urls = new ArrayList<>();
    int partitions = settings.frontier().partitions();
    plan.sitemaps().forEach(s -> urls.add(new NewUrl(s.url(), s.host(), Partitions.of(s.host(), partitions), 0,
        FetchTask.SITEMAP, null)));
    plan.seeds().forEach(s -> urls.add(new NewUrl(s.url(), s.host(), Partitions.of(s.host(), partitions), 0,
        FetchTask.PAGE, null)));
    return urls;
  }

  private static JsonObject summary(long id, int accepted, Plan plan) {
    int offered = plan.seeds().size() + plan.sitemaps().size();
    return new JsonObject().put("id", id).put("kind", "crawl").put("state", "queued").put("accepted", accepted)
        .put("duplicates", offered - accepted).put("rejected", 0).put("rejectedSamples", new JsonArray());
  }

  private Plan validate(JsonObject request) {
    Object rawOptions = request.getValue("options", new JsonObject());
    if (!(rawOptions instanceof JsonObject options)) {
      throw new IllegalArgumentException("'options' must be an object");
    }
    List<UrlNormalizer.Accepted> seeds = urls(request, "seeds", true);
    List<UrlNormalizer.Accepted> sitemaps = urls(request, "sitemapSeeds", false);
    Object rawScope = request.getValue("scope", new JsonObject());
    if (!(rawScope instanceof JsonObject scopeJson)) {
      throw new IllegalArgumentException("'scope' must be an object");
    }
    List<String> seedUrls = seeds.stream().map(UrlNormalizer.Accepted::url).toList();
    Scope scope = Scope.parse(scopeJson, seedUrls);
    JsonObject limits = limits(request.getValue("limits", new JsonObject()));
    Object sitemapsFlag = request.getValue("sitemaps", !sitemaps.isEmpty());
    if (!(sitemapsFlag instanceof Boolean useSitemaps)) {
      throw new IllegalArgumentException("'sitemaps' must be true or false");
    }
    if (!(request.getValue("requisites", false) instanceof Boolean requisites)) {
      throw new IllegalArgumentException("'requisites' must be true or false");
    }
    JsonObject stored = new JsonObject().put("seeds", new JsonArray(seedUrls)).put("scope", scope.toJson())
        .put("limits", limits).put("sitemaps", useSitemaps || !sitemaps.isEmpty()).put("requisites", requisites);
    return new Plan(JobOptions.parse(options, settings), seeds, sitemaps, stored,
        limits.getLong("maxPages"), limits.getInteger("maxDurationSeconds"));
  }

  private static List<UrlNormalizer.Accepted> urls(JsonObject request, String field, boolean required) {
    Object raw = request.getValue(field);
    if (raw == null && !required) {
      return List.of();
    }
    if (!(raw instanceof JsonArray array) || (required && array.isEmpty()) || array.size() > MAX_SEEDS) {
      throw new IllegalArgumentException("'" + field + "' must be an array of 1 to " + MAX_SEEDS + " URLs");
    }
    List<UrlNormalizer.Accepted> urls = new ArrayList<>();
    for (Object value : array) {
      if (!(value instanceof String text) || !(UrlNormalizer.normalize(text) instanceof UrlNormalizer.Accepted ok)) {
        throw new IllegalArgumentException("'" + field + "' holds an invalid URL: " + value);
      }
      urls.add(ok);
    }
    return urls;
  }

  private static JsonObject limits(Object raw) {
    if (!(raw instanceof JsonObject limits)) {
      throw new IllegalArgumentException("'limits' must be an object");
    }
    JsonObject checked = new JsonObject();
    for (String key : limits.fieldNames()) {
      long min = switch (key) {
        case "maxDepth" -> 0;
        case "maxPages", "maxDurationSeconds" -> 1;
        default -> throw new IllegalArgumentException("Unknown limit '" + key
            + "'; known: maxDepth, maxPages, maxDurationSeconds");
      };
      Object value = limits.getValue(key);
      if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < min
          || n.longValue() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("limits." + key + " must be a whole number from " + min + " to "
            + Integer.MAX_VALUE);
      }
      checked.put(key, n.intValue());
    }
    return checked;
  }
}
