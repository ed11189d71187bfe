package dev.fetchbus.bridge;

import dev.fetchbus.config.DeployedConfig;
import dev.fetchbus.config.Settings;
import dev.fetchbus.node.NodeStatus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP event-bus bridge ({@code bridge.port}; off while 0), on API nodes: length-prefixed JSON
 * frames for clients that are not JVMs (clients/python). Only a small allow-list crosses it:
 * {@link BridgeActions}' three addresses in, each job's progress out ({@link ProgressFeeds}). Every
 * message in and every registration carries an API key in its {@code authorization} header; what the
 * key may do is decided by the HTTP API itself. Anything else is refused and logged. The protocol is
 * docs/event-bus.md.
 */
public final class BridgeVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(BridgeVerticle.class);
  private TcpEventBusBridge bridge;
  private ProgressFeeds feeds;
  private List<MessageConsumer<JsonObject>> consumers = List.of();

  @Override
  public Future<?> start() {
    Settings.Bridge config = Settings.load(DeployedConfig.resolve(vertx, config())).bridge();
    Integer apiPort = NodeStatus.apiPort(vertx);
    if (apiPort == null) {
      return Future.failedFuture(
          "The bridge acts through this node's API, which does not listen: deploy it after ApiVerticle");
    }
    ApiCalls api = new ApiCalls(vertx, apiPort);
    feeds = new ProgressFeeds(vertx, api, config.progressMs());
    consumers = new BridgeActions(api).register(vertx);
    BridgeOptions options = new BridgeOptions()
        .addOutboundPermitted(new PermittedOptions().setAddressRegex(ProgressFeeds.ADDRESS.pattern()));
    BridgeActions.ADDRESSES.forEach(address -> options.addInboundPermitted(new PermittedOptions().setAddress(address)));
    bridge = TcpEventBusBridge.create(vertx, options, null, this::guard);
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
        .compose(v -> bridge.listen(config.port(), config.host()))
        .onSuccess(b -> log.info("Event-bus bridge (TCP) on {}:{}", config.host(), config.port()));
  }

  @Override
  public Future<?> stop() {
    if (feeds != null) {
      feeds.stopAll();
    }
    return bridge == null ? Future.succeededFuture() : bridge.close();
  }

  /** Lets through only allow-listed sends with a key, and registrations for jobs the key may read. */
  private void guard(BridgeEvent event) {
    JsonObject raw = event.getRawMessage();
    String address = raw == null ? null : raw.getString("address");
    String authorization = authorization(raw);
    switch (event.type()) {
      case SEND -> {
        if (!BridgeActions.ADDRESSES.contains(address)) {
          refuse(event, address, "not an allow-listed address");
        } else if (authorization == null) {
          refuse(event, address, "no API key in the message's authorization header");
        } else {
          event.complete(true);
        }
      }
      case PUBLISH -> refuse(event, address, "clients may not publish");
      case REGISTER -> register(event, address, authorization);
      default -> event.complete(true);
    }
  }

  private void register(BridgeEvent event, String address, String authorization) {
    Long job = ProgressFeeds.jobOf(address);
    if (job == null) {
      refuse(event, address, "not a job's progress address");
    } else if (authorization == null) {
      refuse(event, address, "no API key in the registration's authorization header");
    } else {
      feeds.admit(job, authorization).onComplete(admitted -> {
        if (admitted.succeeded() && admitted.result()) {
          event.complete(true);
        } else {
          refuse(event, address, "the key may not read job " + job);
        }
      });
    }
  }

  private static String authorization(JsonObject raw) {
    JsonObject headers = raw == null ? null : raw.getJsonObject("headers");
    String value = headers == null ? null : headers.getString("authorization");
    return value == null || value.isBlank() ? null : value;
  }

  private static void refuse(BridgeEvent event, String address, String why) {
    log.warn("Bridge refused a {} to '{}' from {}: {}", event.type().name().toLowerCase(Locale.ROOT), address,
        event.socket() == null ? "?" : event.socket().remoteAddress(), why);
    event.complete(false);
  }
}
