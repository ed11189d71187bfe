package dev.fetchbus.metrics;

import dev.fetchbus.store.UserTable;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Who may read a node's figures. {@code /metrics} and {@code /ops/stats} name every user's running
 * jobs and the node's load, so on the API port (and a fetch-only node's probe port) they need a key
 * with the admin or metrics role. The management port ({@code management.port}, loopback by default)
 * serves them without one: whoever reaches it is already on the host or was let in on purpose.
 */
public final class OpsAccess implements Handler<RoutingContext> {
  private final UserTable users;

  private OpsAccess(UserTable users) {
    this.users = users;
  }

  /** Lets through only requests with an admin or metrics key. */
  public static OpsAccess keyed(UserTable users) {
    return new OpsAccess(users);
  }

  /** Lets every request through: for the management server. */
  public static OpsAccess open() {
    return new OpsAccess(null);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (users == null) {
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      refuse(ctx, 401, "unauthorized", "Send an admin or metrics key as 'Authorization: Bearer <key>',"
          + " or read this on the management port (management.port)");
      return;
    }
    users.findByKey(header.substring(7).strip()).onComplete(found -> {
      if (found.failed()) {
        refuse(ctx, 503, "unavailable", "The database does not answer: keys cannot be checked");
      } else if (found.result().isEmpty()) {
        refuse(ctx, 401, "unauthorized", "Unknown API key");
      } else if (!found.result().get().readsMetrics() || found.result().get().disabled()) {
        refuse(ctx, 403, "forbidden", "Only an admin or metrics key may read the node's figures");
      } else {
        ctx.next();
      }
    });
  }

  /**
   * Whether a request with this {@code Authorization} value may read the figures: always on the
   * management server, else with an enabled admin or metrics key. For the event-bus bridge, whose
   * browsers send the header with their registration instead of on a request.
   */
  public Future<Boolean> allows(String authorization) {
    if (users == null) {
      return Future.succeededFuture(true);
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        || authorization.length() <= 7) {
      return Future.succeededFuture(false);
    }
    return users.findByKey(authorization.substring(7).strip())
        .map(found -> found.isPresent() && found.get().readsMetrics() && !found.get().disabled());
  }

  private static void refuse(RoutingContext ctx, int status, String code, String message) {
    var response = ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json");
    if (status == 401) {
      response.putHeader("WWW-Authenticate", "Bearer");
    }
    response.end(new JsonObject().put("error", code).put("message", message).encode());
  }
}
