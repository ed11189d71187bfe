package dev.fetchbus.fetch;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.fetchbus.cache.NodeShared;
import dev.fetchbus.cache.SingleFlightCache;
import dev.fetchbus.config.JobRequests;
import dev.fetchbus.config.Settings;
import dev.fetchbus.metrics.Meters;
import dev.fetchbus.store.CookieTable;
import dev.fetchbus.store.StoredCookie;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's cookie jars, one per job that keeps cookies. A jar is read from the database when a
 * job first fetches here, and merged again with the database at most every {@code job.cookieCacheMs}
 * (through a single-flight cache, so concurrent fetches of a job wait on one read): a cookie set on
 * another node is sent from here within that time. A response that sets or deletes a cookie is
 * written before its fetch completes, so a record in the database never outruns its cookies.
 */
final class CookieJars {
  private static final Logger log = LoggerFactory.getLogger(CookieJars.class);
  private final CookieTable table;
  private final int maxCookies;
  private final Cache<Long, CookieJar> jars = Caffeine.newBuilder().maximumSize(10_000)
      .expireAfterAccess(1, TimeUnit.HOURS).build();
  private final SingleFlightCache<Long, CookieJar> fresh;

  private CookieJars(CookieTable table, Settings.JobLimits limits) {
    this.table = table;
    this.maxCookies = limits.maxCookies();
    Duration refresh = Duration.ofMillis(limits.cookieCacheMs());
    this.fresh = new SingleFlightCache<>("cookies", 10_000, jar -> refresh, Meters.registry());
  }

  static CookieJars shared(Vertx vertx, CookieTable table, Settings.JobLimits limits) {
    return NodeShared.get(vertx, "cookieJars", () -> {
      vertx.executeBlocking(() -> {
        CookieRules.warmUp();
        return null;
      }, false);
      return new CookieJars(table, limits);
    });
  }

  /** The job's jar, merged with the database if this node's copy is older than {@code job.cookieCacheMs}. */
  Future<CookieJar> jar(long jobId, JobRequests requests) {
    return fresh.get(jobId, id -> table.read(id).map(stored -> {
      CookieJar jar = jars.get(id, key -> seeded(requests));
      jar.merge(stored);
      return jar;
    }));
  }

  /** Keeps what a response changed; a failed write is logged, the cookie still lives in this node's jar. */
  Future<Void> save(long jobId, List<StoredCookie> changed) {
    return table.upsert(jobId, changed).recover(err -> {
      log.warn("Could not store {} cookie(s) of job {}; they are kept on this node only", changed.size(), jobId, err);
      return Future.succeededFuture();
    });
  }

  private CookieJar seeded(JobRequests requests) {
    CookieJar jar = new CookieJar(maxCookies);
    List<StoredCookie> seeds = new ArrayList<>();
    for (Object item : requests.seeds()) {
      JsonObject seed = (JsonObject) item;
      // updated at 0: anything a response sets for the same cookie wins over the seed
      seeds.add(new StoredCookie(seed.getString("domain"), seed.getString("path"), seed.getString("name"),
          seed.getString("value"), true, seed.getBoolean("secure"), null, 0));
    }
    jar.merge(seeds);
    return jar;
  }
}
