package dev.fetchbus.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.config.Settings;
import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Database preparation shared by the verticles of a node")
class DatabaseTest {

  /**
   * The frontier's start() continued on the context of whichever verticle asked first, so its
   * timers and claims ran on another event loop than its message handlers and corrupted its
   * (single-threaded) host scheduler: a host stayed marked as queued while out of the queue.
   */
  @Test
  @DisplayName("each caller's continuation runs on the caller's own context")
  void continuationsOnTheCallersContext() {
    String url = TestDatabase.create();
    Vertx vertx = Vertx.vertx();
    try {
      Settings settings = Settings.load(new JsonObject().put("pg", new JsonObject().put("url", url)), Map.of());
      List<Context> contexts =
          List.of(vertx.getOrCreateContext(), vertx.getOrCreateContext(), vertx.getOrCreateContext());
      List<Future<Boolean>> onOwnContext = contexts.stream().map(context -> {
        Promise<Boolean> same = Promise.promise();
        context.runOnContext(v -> Database.prepare(vertx, settings)
            .onComplete(done -> same.complete(done.succeeded() && Vertx.currentContext() == context)));
        return same.future();
      }).toList();
      assertThat(TestNode.await(Future.all(onOwnContext)).<Boolean>list()).containsExactly(true, true, true);
    } finally {
      TestNode.await(vertx.close());
      TestDatabase.drop(url);
    }
  }
}
