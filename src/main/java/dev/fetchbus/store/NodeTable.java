package dev.fetchbus.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** All SQL for {@code fetch_nodes}: heartbeats of the nodes that fetch, judged by the database's clock. */
public final class NodeTable {
  private final Pool pool;

  public NodeTable(Pool pool) {
    this.pool = pool;
  }

  /** Records that {@code nodeId} is alive now. */
  public Future<Void> heartbeat(String nodeId) {
    return pool.preparedQuery("insert into fetch_nodes (node_id) values ($1) "
            + "on conflict (node_id) do update set last_seen = now()")
        .execute(Tuple.of(nodeId))
        .mapEmpty();
  }

  /** The nodes heard from within {@code timeoutMs}, sorted by id. */
  public Future<List<String>> live(long timeoutMs) {
    return pool.preparedQuery("select node_id from fetch_nodes "
            + "where last_seen > now() - make_interval(secs => $1 / 1000.0) order by node_id")
        .execute(Tuple.of(timeoutMs))
        .map(rows -> {
          List<String> nodes = new ArrayList<>(rows.size());
          rows.forEach(row -> nodes.add(row.getString(0)));
          return nodes;
        });
  }

  /** A node leaving on purpose, so its partitions move at once. */
  public Future<Void> remove(String nodeId) {
    return pool.preparedQuery("delete from fetch_nodes where node_id = $1").execute(Tuple.of(nodeId)).mapEmpty();
  }

  /** Forgets nodes silent for an hour: a restarted node comes back under a new id. */
  public Future<Integer> forgetLongGone() {
    return pool.query("delete from fetch_nodes where last_seen < now() - interval '1 hour'").execute()
        .map(rows -> rows.rowCount());
  }
}
