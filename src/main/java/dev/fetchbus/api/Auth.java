package dev.fetchbus.api;

import dev.fetchbus.store.UserTable;
import dev.fetchbus.store.UserTable.User;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Bearer-key authentication. Keys are 256-bit random strings, so an unsalted SHA-256 is a safe
 * stored form; the final comparison is constant-time. The user is put on the routing context.
 */
final class Auth {
  static final String USER = "fetchbus.user";
  private static final SecureRandom RANDOM = new SecureRandom();
  private final UserTable users;

  Auth(UserTable users) {
    this.users = users;
  }

  static String newKey() {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return "fb_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  static byte[] hash(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Authenticates, then continues; the request body stays paused until a handler reads it. */
  void authenticate(RoutingContext ctx) {
    ctx.request().pause();
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      ctx.fail(ApiError.unauthorized("Send your API key as 'Authorization: Bearer <key>'"));
      return;
    }
    byte[] presented = hash(header.substring(7).strip());
    users.findByKeyHash(presented).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
      } else if (found.result().isEmpty() || !MessageDigest.isEqual(presented, found.result().get().keyHash())) {
        ctx.fail(ApiError.unauthorized("Unknown API key"));
      } else {
        ctx.put(USER, found.result().get());
        ctx.next();
      }
    });
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
