package dev.fetchbus.api;

import dev.fetchbus.cluster.Members;
import dev.fetchbus.cluster.PartitionOwnership;
import dev.fetchbus.config.Settings;
import dev.fetchbus.content.BodyCodec;
import dev.fetchbus.content.Bytes;
import dev.fetchbus.cpu.CpuPool;
import dev.fetchbus.extract.UrlNormalizer;
import dev.fetchbus.frontier.FrontierVerticle;
import dev.fetchbus.frontier.Partitions;
import dev.fetchbus.store.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code GET /v1/fetch?url=...&maxAge=seconds}: one page, now, through the cache of the node that
 * owns the URL's host (routed over the event bus to that node's own address), so politeness and the
 * single-flight cache hold cluster-wide. The answer is the record plus {@code cache}: hit, miss,
 * coalesced or revalidated, and {@code ageSeconds}.
 */
final class FetchRoute {
  private final Vertx vertx;
  private final CpuPool cpu;
  private final Settings settings;
  private final Members members;

  FetchRoute(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.cpu = CpuPool.of(vertx, settings.cpuThreads(), settings.tuning().cpuOnEventLoop());
    this.settings = settings;
    this.members = Members.of(vertx, Database.sharedPool(vertx, settings),
        settings.cluster().memberTimeoutMs());
  }

  /** {@code ?body=true}: the page itself, as the origin served it; otherwise its record as JSON. */
  void fetch(RoutingContext ctx) {
    boolean withBody = "true".equals(ctx.queryParams().get("body"));
    record(ctx, withBody).compose(record -> withBody ? page(ctx, record) : ctx.json(record)).onFailure(ctx::fail);
  }

  /**
   * The page's bytes with its Content-Type; the origin's status, the cache result and the content
   * hash travel in headers. A fetch that got no response answers 502 with its error.
   */
  private Future<Void> page(RoutingContext ctx, JsonObject record) {
    JsonObject body = record.getJsonObject("body");
    if (body == null) {
      JsonObject error = record.getJsonObject("error");
      return Future.failedFuture(new ApiError(502, "upstream", "No body to return: "
          + (error == null ? "none was read" : error.getString("code") + ": " + error.getString("message"))));
    }
    return cpu.run(() -> Bytes.wrap(BodyCodec.decompress(body.getString("codec"), body.getBinary("data"),
            body.getLong("size"))))
        .compose(bytes -> ctx.response()
            .putHeader("Content-Type", record.getString("contentType", "application/octet-stream"))
            .putHeader("ETag", '"' + record.getString("contentHash") + '"')
            .putHeader("X-Fetchbus-Status", String.valueOf(record.getInteger("status")))
            .putHeader("X-Fetchbus-Cache", record.getString("cache"))
            .putHeader("X-Fetchbus-Truncated", String.valueOf(record.getBoolean("truncated")))
            .end(bytes));
  }

  private Future<JsonObject> record(RoutingContext ctx, boolean withBody) {
    String raw = ctx.queryParams().get("url");
    if (raw == null) {
      return Future.failedFuture(ApiError.invalid("'url' must be an absolute http(s) URL"));
    }
    UrlNormalizer.Result normalized = UrlNormalizer.normalize(raw);
    if (normalized instanceof UrlNormalizer.Rejected rejected) {
      return Future.failedFuture(ApiError.invalid("'url' must be an absolute http(s) URL: " + rejected.reason()));
    }
    UrlNormalizer.Accepted url = (UrlNormalizer.Accepted) normalized;
    JsonObject request = new JsonObject().put("url", url.url()).put("body", withBody);
    String maxAge = ctx.queryParams().get("maxAge");
    if (maxAge != null) {
      if (!maxAge.matches("\\d{1,9}")) {
        return Future.failedFuture(ApiError.invalid("'maxAge' must be a whole number of seconds"));
      }
      request.put("maxAgeSeconds", Long.parseLong(maxAge));
    }
    int partition = Partitions.of(url.host(), settings.frontier().partitions());
    long timeout = settings.fetch().timeoutMs() + settings.robots().timeoutMs() + 10_000L;
    return members.fetchNodes().compose(nodes -> {
      List<String> reachable = members.reachable(nodes);
      if (reachable.isEmpty()) {
        return Future.failedFuture(new ApiError(503, "unavailable", "No fetch node is running"));
      }
      // the owner by the shared member list; if the event bus cannot reach it right now (a node
      // cut off from the cluster), the owner among those it can reach
      String owner = PartitionOwnership.owner(partition, nodes);
      String target = reachable.contains(owner) ? owner : PartitionOwnership.owner(partition, reachable);
      return vertx.eventBus().<JsonObject>request(FrontierVerticle.syncAddress(target), request,
              new DeliveryOptions().setSendTimeout(timeout))
          .map(Message::body)
          .map(record -> record.put("url", url.url()))
          .recover(err -> Future.failedFuture(err instanceof ReplyException
              ? new ApiError(502, "upstream", "The fetch did not complete: " + err.getMessage()) : err));
    });
  }
}
