package dev.fetchbus.api;

import dev.fetchbus.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The operations the API port serves, as {@code "GET /v1/jobs/{id}"}, read from the router exactly as
 * a node builds it ({@link ApiVerticle#router}, package-private, hence this helper in {@code api}).
 * Nothing connects and no port opens: the database URL is never dialled, because pools connect on
 * their first query. Routes for any method (guards, static files, sub-routers) are not operations.
 */
public final class RouteTable {
  private static final Pattern VERTX_PARAM = Pattern.compile(":([A-Za-z0-9_]+)");

  private RouteTable() {}

  public static SortedSet<String> served() {
    Vertx scratch = Vertx.vertx();
    try {
      ApiVerticle api = new ApiVerticle();
      api.init(scratch, scratch.getOrCreateContext());
      Settings settings = Settings.load(new JsonObject()
          .put("pg", new JsonObject().put("url", "postgresql://docs@127.0.0.1:9/never-dialled")), Map.of());
      SortedSet<String> served = new TreeSet<>();
      for (Route route : api.router(settings).getRoutes()) {
        if (route.getPath() != null && route.methods() != null) {
          String path = VERTX_PARAM.matcher(route.getPath()).replaceAll("{$1}");
          route.methods().forEach(m -> served.add(m.name() + " " + path));
        }
      }
      return served;
    } finally {
      scratch.close().toCompletionStage().toCompletableFuture().join();
    }
  }
}
