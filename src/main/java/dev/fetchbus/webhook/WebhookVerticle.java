package dev.fetchbus.webhook;

import dev.fetchbus.api.JobViews;
import dev.fetchbus.config.DeployedConfig;
import dev.fetchbus.config.Settings;
import dev.fetchbus.fetch.FailureClassifier;
import dev.fetchbus.fetch.FetchFailure;
import dev.fetchbus.fetch.HostResolver;
import dev.fetchbus.fetch.NetworkGuard;
import dev.fetchbus.store.Database;
import dev.fetchbus.store.JobTable;
import dev.fetchbus.store.WebhookTable;
import dev.fetchbus.store.WebhookTable.Delivery;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers job callbacks. Every {@code webhook.pollMs} it makes the callbacks of ended jobs due,
 * claims a few due ones (a lease in PostgreSQL, so any API node may deliver and a node that dies
 * leaves them due again) and POSTs each job's summary, signed ({@link Signature}), to its URL: through
 * the same network guard as fetches, never following redirects. A 2xx answer delivers it; anything
 * else retries with doubling backoff, up to {@code webhook.maxAttempts}.
 */
public final class WebhookVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(WebhookVerticle.class);
  private static final int CLAIM = 16;
  private static final long MAX_BACKOFF_MS = 10 * 60_000;

  private Settings.Webhook config;
  private WebhookTable webhooks;
  private JobTable jobs;
  private HttpClient client;
  private NetworkGuard guard;
  private HostResolver resolver;
  private boolean busy;
  private long timer;

  @Override
  public Future<?> start() {
    Settings settings = Settings.load(DeployedConfig.resolve(vertx, config()));
    config = settings.webhook();
    webhooks = new WebhookTable(Database.sharedPool(vertx, settings));
    jobs = new JobTable(Database.sharedPool(vertx, settings));
    client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(config.timeoutMs())
        .setIdleTimeout(config.timeoutMs() / 1000 + 1).setKeepAlive(false));
    guard = new NetworkGuard(settings.fetch().allowNetworks());
    resolver = new HostResolver(vertx, Duration.ofSeconds(settings.dns().ttlSeconds()), settings.dns().cacheSize());
    timer = vertx.setPeriodic(config.pollMs(), id -> tick());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return client.close();
  }

  private void tick() {
    if (busy) {
      return;
    }
    busy = true;
    webhooks.markEnded()
        .compose(n -> webhooks.claimDue(CLAIM, config.timeoutMs() / 1000 * 3 + 5))
        .compose(due -> Future.join(due.stream().map(this::deliver).toList()))
        .onFailure(err -> log.warn("Webhook round failed: {}", err.getMessage()))
        .onComplete(done -> busy = false);
  }

  private Future<Void> deliver(Delivery delivery) {
    return jobs.find(delivery.jobId(), null)
        .compose(job -> jobs.withUrlStates(job.orElseThrow()))
        .map(job -> new JsonObject().put("event", "job.ended").put("job", JobViews.detail(job)).encode())
        .compose(body -> post(delivery, body))
        .compose(status -> status >= 200 && status < 300 ? webhooks.delivered(delivery.jobId(), status)
            : retry(delivery, status, "HTTP " + status))
        .recover(err -> {
          FetchFailure failure = FailureClassifier.classify(err);
          return retry(delivery, null, failure.type().code() + ": " + failure.getMessage());
        });
  }

  private Future<Void> retry(Delivery delivery, Integer status, String error) {
    boolean giveUp = delivery.attempt() >= config.maxAttempts();
    long backoff = Math.min(MAX_BACKOFF_MS, (long) config.retryBaseMs() << Math.min(20, delivery.attempt() - 1));
    log.info("Callback of job {} failed (attempt {}: {}){}", delivery.jobId(), delivery.attempt(), error,
        giveUp ? "; giving up" : "; again in " + backoff + " ms");
    return webhooks.failed(delivery.jobId(), status, error, backoff, giveUp);
  }

  /** POSTs the body to the callback's URL, at an address the guard allows; answers the status. */
  private Future<Integer> post(Delivery delivery, String body) {
    URI uri = URI.create(delivery.url());
    boolean ssl = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
    String host = uri.getHost();
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    long now = System.currentTimeMillis() / 1000;
    return resolver.resolve(bare).compose(addresses -> client.request(new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setServer(SocketAddress.inetSocketAddress(port, guard.choose(bare, addresses).getHostAddress()))
            .setHost(host).setPort(port).setSsl(ssl).setURI(path)
            .setTimeout(config.timeoutMs())
            .putHeader("Content-Type", "application/json")
            .putHeader("User-Agent", "fetchbus-webhook")
            .putHeader("X-Fetchbus-Job", String.valueOf(delivery.jobId()))
            .putHeader("X-Fetchbus-Attempt", String.valueOf(delivery.attempt()))
            .putHeader(Signature.HEADER, Signature.header(delivery.secret(), now, body))))
        .compose(request -> request.send(body))
        .compose(response -> response.body().map(ignored -> response.statusCode()));
  }
}
