package dev.fetchbus.store;

import dev.fetchbus.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The node's one PostgreSQL pool. Every verticle asks for it by the same name, so Vert.x hands
 * them one shared pool: N verticle instances cost {@code pg.poolSize} connections, not N times that.
 */
public final class Database {
  public static final String POOL_NAME = "fetchbus-pg";
  public static final String EXPORT_POOL_NAME = "fetchbus-pg-export";

  private static final Map<Vertx, Future<Integer>> PREPARED = Collections.synchronizedMap(new WeakHashMap<>());

  private Database() {}

  /**
   * Brings the schema up to date, once per node however many verticles ask: any verticle can be
   * deployed alone ({@code vertx run} style) and still find its tables. Returns the schema version.
   */
  public static Future<Integer> prepare(Vertx vertx, Settings settings) {
    Future<Integer> shared = PREPARED.computeIfAbsent(vertx, v -> {
      Pool setup = privatePool(vertx, settings.pg().url(), 1);
      return Migrations.migrate(vertx, setup).eventually(setup::close);
    });
    // A future's callbacks run on the context that made it: the first verticle to ask. Handing the
    // shared future itself to every verticle ran their start() continuations, and everything those
    // set up (timers, claims, the frontier's scheduler), on that first verticle's event loop, in
    // parallel with their own. Each caller gets its own future, on its own context.
    return Future.fromCompletionStage(shared.toCompletionStage(), vertx.getOrCreateContext());
  }

  /**
   * The node's one pool, whatever the verticle count ({@code tuning.pgPool} {@code verticle} gives
   * each caller a pool of its own instead: an experiment's switch, for counting what sharing saves).
   */
  public static Pool sharedPool(Vertx vertx, Settings settings) {
    return pool(vertx, settings.pg().url(), settings.pg().poolSize(),
        settings.tuning().pgPoolPerVerticle() ? null : POOL_NAME);
  }

  /**
   * The pool result exports read from: exports read many large pages, so they get their own small
   * shared pool, and busy exporters queue behind each other instead of starving the main pool's writes.
   */
  public static Pool exportPool(Vertx vertx, Settings settings) {
    return pool(vertx, settings.pg().url(), settings.pg().exportPoolSize(), EXPORT_POOL_NAME);
  }

  /** A private pool, for work that must not borrow the shared one (migrations, admin tasks). */
  public static Pool privatePool(Vertx vertx, String url, int size) {
    return pool(vertx, url, size, null);
  }

  public static PgConnectOptions connectOptions(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException(
          "No PostgreSQL URL: set FETCHBUS_PG_URL or let the node start its embedded database");
    }
    PgConnectOptions options = PgConnectOptions.fromUri(url.replaceFirst("^postgres://", "postgresql://"));
    return options.setPipeliningLimit(256).setCachePreparedStatements(true);
  }

  private static Pool pool(Vertx vertx, String url, int size, String sharedName) {
    PoolOptions poolOptions = new PoolOptions().setMaxSize(size).setShared(sharedName != null);
    if (sharedName != null) {
      poolOptions.setName(sharedName);
    }
    return PgBuilder.pool().with(poolOptions).connectingTo(connectOptions(url)).using(vertx).build();
  }
}
