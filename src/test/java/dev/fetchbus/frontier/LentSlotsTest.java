package dev.fetchbus.frontier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.fetch.HostSlots;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The path a host slot takes between nodes, on one event bus: a borrower's frontier that does not
 * own the host passes the request to the owner's address, and the owner's scheduler decides. (The
 * cluster's event bus carries the same messages between JVMs.)
 */
@DisplayName("Host slots lent across nodes")
class LentSlotsTest {
  private final Vertx vertx = Vertx.vertx();
  private final List<Message<JsonObject>> held = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** A frontier's slot lending as FrontierVerticle wires it, on one context; {@code owner} owns every host. */
  private void frontier(String nodeId, String owner, boolean local) {
    Context context = vertx.getOrCreateContext();
    Promise<Void> registered = Promise.promise();
    context.runOnContext(v -> {
      HostScheduler<HostScheduler.Work> scheduler = new HostScheduler<>(100, System::currentTimeMillis);
      LentSlots[] lent = new LentSlots[1];
      Runnable pump = () -> scheduler.pump(work -> lent[0].start((LentSlots.Loan) work));
      lent[0] = new LentSlots(vertx, nodeId, host -> owner, scheduler, pump);
      Future<Void> asked = local
          ? vertx.eventBus().<JsonObject>localConsumer(HostSlots.ADDRESS, lent[0]::asked).completion()
          : Future.succeededFuture();
      Future<Void> owned = vertx.eventBus().<JsonObject>consumer(LentSlots.ownerAddress(nodeId), lent[0]::queue)
          .completion();
      Future.all(asked, owned).<Void>mapEmpty().onComplete(registered);
    });
    registered.future().await();
  }

  private void ask(String origin) {
    JsonObject ask = new JsonObject().put(HostSlots.ORIGIN, origin).put(HostSlots.HOST, "h.test")
        .put(HostSlots.CONCURRENCY, 1).put(HostSlots.DELAY_MS, 0).put(HostSlots.WAIT_MS, 20_000L)
        .put(HostSlots.HOLD_MS, 20_000L);
    vertx.eventBus().<JsonObject>request(HostSlots.ADDRESS, ask, new DeliveryOptions().setSendTimeout(20_000))
        .onSuccess(held::add);
  }

  @Test
  void aBorrowerThatDoesNotOwnTheHostGetsItsSlotsFromTheOwnerOneAtATime() {
    frontier("owner", "owner", false);
    frontier("borrower", "owner", true);
    for (int i = 0; i < 3; i++) {
      ask("http://h.test");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 1);
    assertThat(held.get(0).body().getString("node")).isEqualTo("owner");
    // the owner's hostConcurrency of 1 holds: the next slot is lent only once the first comes back
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> held.size() == 1);
    held.get(0).reply(null);
    await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 2);
    held.get(1).reply(null);
    await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 3);
    assertThat(held).allSatisfy(grant -> assertThat(grant.body().getString("node")).isEqualTo("owner"));
  }

  @Test
  void whenNoOneListensAtTheOwnerTheSlotIsTakenHere() {
    frontier("borrower", "gone", true);
    ask("http://h.test");
    await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 1);
    assertThat(held.get(0).body().getString("node")).isEqualTo("borrower");
  }
}
