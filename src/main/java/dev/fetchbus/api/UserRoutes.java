package dev.fetchbus.api;

import dev.fetchbus.frontier.FrontierVerticle;
import dev.fetchbus.store.JobTable;
import dev.fetchbus.store.UserTable;
import dev.fetchbus.store.UserTable.User;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Users and their keys. Admins create, list, disable and delete users; a user reads itself
 * ({@code /v1/me}, {@code /v1/users/{id}}) and rotates its own keys (two at most at once). A key is
 * shown once, when it is made. Another user's id answers 404, like a user that does not exist.
 */
final class UserRoutes {
  private static final int MAX_BODY = 16 * 1024;
  private static final Set<String> ROLES = Set.of("admin", "user", UserTable.METRICS);
  private final UserTable users;
  private final JobTable jobs;
  private final UserLimits limits;
  private final EventBus bus;
  private static final Map<String, Long> LIMIT_MAXIMA = new TreeMap<>(Map.of(
      "activeJobs", (long) Integer.MAX_VALUE, "activeUrls", Long.MAX_VALUE,
      "concurrentFetches", (long) Integer.MAX_VALUE, "requestsPerSecond", (long) Integer.MAX_VALUE));

  UserRoutes(EventBus bus, UserTable users, JobTable jobs, UserLimits limits) {
    this.bus = bus;
    this.users = users;
    this.jobs = jobs;
    this.limits = limits;
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
        .onSuccess(user -> created(ctx, "/v1/users/" + user.getLong("id"), user))
        .onFailure(ctx::fail);
  }

  Future<JsonObject> list(RoutingContext ctx) {
    return users.list().map(all -> {
      JsonArray array = new JsonArray();
      all.forEach(user -> array.add(view(user)));
      return new JsonObject().put("users", array);
    });
  }

  /** {@code GET /v1/users/{id}}: the user, its keys (ids only) and what it has under way. */
  Future<JsonObject> get(RoutingContext ctx) {
    return visibleUser(ctx).compose(this::details);
  }

  /** {@code GET /v1/me}: the caller itself. */
  Future<JsonObject> me(RoutingContext ctx) {
    return users.find(Auth.user(ctx).id())
        .compose(found -> details(found.orElseThrow(() -> ApiError.notFound("No such user"))));
  }

  /**
   * {@code PATCH /v1/users/{id}} (admin): {@code {"disabled": true|false}} and/or
   * {@code {"limits": {"activeJobs": n, "activeUrls": n, "concurrentFetches": n, "requestsPerSecond": n}}}
   * (only the limits given change; null: back to the configured default).
   */
  void patch(RoutingContext ctx) {
    requireJson(ctx);
    long id = userId(ctx);
    CappedBody.read(ctx.request(), MAX_BODY).compose(body -> {
      JsonObject json = JobViews.parseObject(body);
      for (String field : json.fieldNames()) {
        if (!field.equals("disabled") && !field.equals("limits")) {
          throw ApiError.invalid("Unknown field '" + field + "': a user's 'disabled' and 'limits' can be changed");
        }
      }
      Future<Optional<User>> updated = users.find(id);
      if (json.containsKey("disabled")) {
        if (!(json.getValue("disabled") instanceof Boolean disabled)) {
          throw ApiError.invalid("'disabled' must be true or false");
        }
        if (id == Auth.user(ctx).id() && disabled) {
          throw ApiError.conflict("An admin cannot disable itself");
        }
        updated = users.setDisabled(id, disabled);
      }
      if (json.containsKey("limits")) {
        Map<String, Long> changes = limitChanges(json);
        updated = updated.compose(found -> found.isEmpty() ? Future.succeededFuture(found)
            : users.setLimits(id, found.get().overrides().with(changes)))
            .onSuccess(changed -> changed.ifPresent(user -> bus.publish(FrontierVerticle.USER_LIMITS, new JsonObject()
                .put("userId", id).put("concurrentFetches", limits.concurrentFetches(user)))));
      }
      return updated;
    }).compose(updated -> details(updated.orElseThrow(() -> ApiError.notFound("No user " + id))))
        .onSuccess(view -> ctx.json(view))
        .onFailure(ctx::fail);
  }

  /**
   * The limits a PATCH changes: each given field is a positive whole number, or null to go back to
   * the configured default; fields not given keep their value.
   */
  private static Map<String, Long> limitChanges(JsonObject json) {
    if (!(json.getValue("limits") instanceof JsonObject given)) {
      throw ApiError.invalid("'limits' must be an object like {\"activeJobs\": 10, \"concurrentFetches\": 20}");
    }
    Map<String, Long> changes = new HashMap<>();
    for (String field : given.fieldNames()) {
      Long max = LIMIT_MAXIMA.get(field);
      if (max == null) {
        throw ApiError.invalid("Unknown limit '" + field + "'; known: " + LIMIT_MAXIMA.keySet());
      }
      Object value = given.getValue(field);
      if (value != null && (!(value instanceof Number n) || n.doubleValue() != Math.floor(n.doubleValue())
          || n.longValue() < 1 || n.longValue() > max)) {
        throw ApiError.invalid("'limits." + field + "' must be a whole number from 1 to " + max + ", or null");
      }
      changes.put(field, value == null ? null : ((Number) value).longValue());
    }
    return changes;
  }

  /** {@code DELETE /v1/users/{id}} (admin): refused while the user has jobs under way. */
  Future<JsonObject> delete(RoutingContext ctx) {
    long id = userId(ctx);
    if (id == Auth.user(ctx).id()) {
      return Future.failedFuture(ApiError.conflict("An admin cannot delete itself"));
    }
    return jobs.usage(id).compose(usage -> {
      if (usage.activeJobs() > 0) {
        throw ApiError.conflict("User " + id + " has " + usage.activeJobs()
            + " jobs queued or running: cancel them first");
      }
      return users.delete(id);
    }).map(deleted -> {
      if (!deleted) {
        throw ApiError.notFound("No user " + id);
      }
      return new JsonObject().put("id", id).put("deleted", true);
    });
  }

  /** {@code POST /v1/users/{id}/keys}: another key for the user (the user itself or an admin); shown once. */
  void addKey(RoutingContext ctx) {
    String key = Auth.newKey();
    visibleUser(ctx)
        .compose(user -> users.addKey(user.id(), Auth.hash(key)).map(id -> id.orElseThrow(() -> ApiError.conflict(
            "User " + user.id() + " holds " + UserTable.MAX_KEYS + " keys already: revoke one first"))))
        .onSuccess(keyId ->
            created(ctx, ctx.request().path() + "/" + keyId, new JsonObject().put("id", keyId).put("key", key)))
        .onFailure(ctx::fail);
  }

  /** {@code DELETE /v1/users/{id}/keys/{keyId}}: revokes the key on every node at once (keys are not cached). */
  Future<JsonObject> revokeKey(RoutingContext ctx) {
    long keyId = pathId(ctx, "keyId");
    return visibleUser(ctx).compose(user -> users.revokeKey(user.id(), keyId).map(revoked -> {
      if (!revoked) {
        throw ApiError.notFound("User " + user.id() + " has no key " + keyId);
      }
      return new JsonObject().put("id", keyId).put("revoked", true);
    }));
  }

  /** The user named in the path, if the caller may see it: itself, or anyone for an admin. */
  private Future<User> visibleUser(RoutingContext ctx) {
    long id = userId(ctx);
    User caller = Auth.user(ctx);
    if (!caller.isAdmin() && caller.id() != id) {
      return Future.failedFuture(ApiError.notFound("No user " + id));
    }
    return users.find(id).map(found -> found.orElseThrow(() -> ApiError.notFound("No user " + id)));
  }

  private Future<JsonObject> details(User user) {
    return users.keys(user.id()).compose(keys -> jobs.usage(user.id()).map(usage -> {
      JsonArray keyViews = new JsonArray();
      keys.forEach(key -> keyViews.add(new JsonObject().put("id", key.id())
          .put("createdAt", key.createdAt().toInstant().toString())));
      return view(user).put("keys", keyViews).put("limits", limits.view(user)).put("usage", new JsonObject()
          .put("activeJobs", usage.activeJobs()).put("activeUrls", usage.activeUrls())
          .put("unfinishedUrls", usage.unfinishedUrls()));
    }));
  }

  private static JsonObject view(User user) {
    return new JsonObject().put("id", user.id()).put("name", user.name()).put("role", user.role())
        .put("disabled", user.disabled()).put("createdAt", user.createdAt().toInstant().toString());
  }

  private static long userId(RoutingContext ctx) {
    return pathId(ctx, "id");
  }

  private static long pathId(RoutingContext ctx, String param) {
    try {
      return Long.parseLong(ctx.pathParam(param));
    } catch (NumberFormatException e) {
      throw ApiError.notFound("No such " + (param.equals("id") ? "user" : "key") + ": " + ctx.pathParam(param));
    }
  }

  private static void created(RoutingContext ctx, String location, JsonObject body) {
    ctx.response().setStatusCode(201).putHeader("Location", location).putHeader("Content-Type", "application/json")
        .end(body.encode());
  }

  private static void requireJson(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw ApiError.unsupportedMediaType("Send the user as application/json");
    }
  }
}
