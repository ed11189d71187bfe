package dev.fetchbus.api;

import dev.fetchbus.store.UserTable;
import dev.fetchbus.store.UserTable.User;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** Users: admins create them (the key is shown once, at creation) and list them. */
final class UserRoutes {
  private static final int MAX_BODY = 16 * 1024;
  private static final Set<String> ROLES = Set.of("admin", "user", UserTable.METRICS);
  private final UserTable users;

  UserRoutes(UserTable users) {
    this.users = users;
  }

  void create(RoutingContext ctx) {
    requireJson(ctx);
    CappedBody.read(ctx.request(), MAX_BODY).compose(body -> {
      JsonObject json = JobViews.parseObject(body);
      String name = json.getValue("name") instanceof String s ? s.strip() : null;
      if (name == null || !name.matches("[A-Za-z0-9_.@-]{1,64}")) {
        throw ApiError.invalid("'name' must be 1 to 64 letters, digits or _.@-");
      }
      String role = json.getString("role", "user");
      if (!ROLES.contains(role)) {
        throw ApiError.invalid("'role' must be one of " + ROLES);
      }
      String key = Auth.newKey();
      return users.insert(name, Auth.hash(key), role).map(user -> view(user).put("key", key));
    }).recover(err -> Future.failedFuture(err instanceof UserTable.DuplicateUser
        ? ApiError.conflict(err.getMessage()) : err))
        .onSuccess(user -> ctx.response().setStatusCode(201)
            .putHeader("Location", "/v1/users/" + user.getLong("id"))
            .putHeader("Content-Type", "application/json")
            .end(user.encode()))
        .onFailure(ctx::fail);
  }

  Future<JsonObject> list(RoutingContext ctx) {
    return users.list().map(all -> {
      JsonArray array = new JsonArray();
      all.forEach(user -> array.add(view(user)));
      return new JsonObject().put("users", array);
    });
  }

  private static JsonObject view(User user) {
    return new JsonObject().put("id", user.id()).put("name", user.name()).put("role", user.role())
        .put("createdAt", user.createdAt().toInstant().toString());
  }

  private static void requireJson(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw ApiError.unsupportedMediaType("Send the user as application/json");
    }
  }
}
