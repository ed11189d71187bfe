package dev.fetchbus.api;

import dev.fetchbus.store.UserTable;
import dev.fetchbus.store.UserTable.User;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Bearer-key authentication of the /v1 routes (UserTable hashes keys and compares them in constant
 * time), which also counts the request against the user's requests per second. The user is put on
 * the routing context. Keys with the metrics role are refused here: they
 * are for scrapers ({@code metrics.OpsAccess}).
 */
final class Auth {
  static final String USER = "fetchbus.user";
  private static final SecureRandom RANDOM = new SecureRandom();
  private final UserTable users;
  private final UserLimits limits;

  Auth(UserTable users, UserLimits limits) {
    this.users = users;
    this.limits = limits;
  }

  static String newKey() {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return "fb_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  static byte[] hash(String key) {
    return UserTable.keyHash(key);
  }

  /** Authenticates, then continues; the request body stays paused until a handler reads it. */
  void authenticate(RoutingContext ctx) {
    ctx.request().pause();
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      ctx.fail(ApiError.unauthorized("Send your API key as 'Authorization: Bearer <key>'"));
      return;
    }
    users.admit(header.substring(7).strip()).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(ApiError.unauthorized("Unknown API key"));
      } else if (found.get().user().disabled()) {
        return Future.failedFuture(ApiError.forbidden("This user is disabled; an admin can enable it again"));
      } else if (found.get().user().isMetricsOnly()) {
        return Future.failedFuture(ApiError.forbidden("A metrics key reads only /metrics and /ops/stats"));
      }
      return limits.admitRequest(found.get());
    }).onSuccess(user -> {
      ctx.put(USER, user);
      ctx.next();
    }).onFailure(ctx::fail);
  }

  static void requireAdmin(RoutingContext ctx) {
    adminOnly("manage users").handle(ctx);
  }

  /** A handler that lets only admins through, refusing others with 403 naming {@code action}. */
  static Handler<RoutingContext> adminOnly(String action) {
    return ctx -> {
      if (!user(ctx).isAdmin()) {
        ctx.fail(ApiError.forbidden("Only an admin may " + action));
        return;
      }
      ctx.next();
    };
  }

  static User user(RoutingContext ctx) {
    return ctx.get(USER);
  }
}
