package dev.fetchbus.fetch;

import dev.fetchbus.cluster.LocalCodec;
import dev.fetchbus.config.Settings;
import dev.fetchbus.metrics.FetchMetrics;
import dev.fetchbus.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * One fetcher per instance, each on its own event loop. Takes {@link FetchTask}s on
 * {@link #ADDRESS} (node-local, round-robin across instances) and replies with a
 * {@link FetchOutcome}. All instances share the node's one pooled HTTP client.
 */
public final class FetcherVerticle extends VerticleBase {
  public static final String ADDRESS = "fetchbus.fetch";

  private HttpFetcher fetcher;
  private FetchMetrics metrics;
  private MessageConsumer<FetchTask> consumer;

  @Override
  public Future<?> start() {
    Settings settings = Settings.from(config());
    LocalCodec.register(vertx, FetchTask.class);
    LocalCodec.register(vertx, FetchOutcome.class);
    fetcher = new HttpFetcher(vertx, SharedHttpClient.create(vertx, settings.fetch()),
        new NetworkGuard(settings.fetch().allowNetworks()), new HostResolver(vertx), settings.fetch());
    metrics = new FetchMetrics(Meters.registry());
    consumer = vertx.eventBus().localConsumer(ADDRESS, this::handle);
    return consumer.completion();
  }

  private void handle(Message<FetchTask> message) {
    fetcher.fetch(message.body()).onSuccess(outcome -> {
      metrics.record(outcome.failed() ? outcome.error().code() : "ok", outcome.elapsedMs());
      message.reply(outcome);
    });
  }
}
