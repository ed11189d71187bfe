package dev.fetchbus.api;

import static dev.fetchbus.api.TestHttp.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Users and keys: two keys for rotation, revocation on every node at once, disable, delete")
class UserKeysTest {
  private static OriginServer origin;
  private static TestNode node;
  /** A second node on the same database: keys are looked up there too, never cached. */
  private static TestNode other;

  @BeforeAll
  static void start() {
    origin = OriginServer.start();
    node = TestNode.start();
    other = TestNode.start(new JsonObject().put("pg", new JsonObject().put("url", node.databaseUrl()))
        .put("node", new JsonObject().put("roles", "api")));
  }

  @AfterAll
  static void stop() {
    other.close();
    node.close();
    origin.close();
  }

  private static JsonObject create(String name) {
    ApiClient.Response r = node.admin().postJson("/v1/users", new JsonObject().put("name", name));
    assertThat(r.status()).isEqualTo(201);
    assertThat(node.admin().get(r.header("Location")).json().getString("name"))
        .as("the Location of a new user leads to it").isEqualTo(name);
    return r.json();
  }

  @Test
  @DisplayName("rotate: a second key works beside the first, a third is refused, a revoked key gets 401 on both nodes")
  void rotateAndRevoke() {
    JsonObject user = create("rotor");
    long id = user.getLong("id");
    ApiClient first = node.withKey(user.getString("key"));
    ApiClient.Response added = first.post("/v1/users/" + id + "/keys", "application/json", "");
    assertThat(added.status()).isEqualTo(201);
    ApiClient second = node.withKey(added.json().getString("key"));
    assertThat(second.get("/v1/me").json().getLong("id")).isEqualTo(id);
    assertThat(first.get("/v1/me").status()).isEqualTo(200);
    assertError(first.post("/v1/users/" + id + "/keys", "application/json", ""), 409, "conflict");
    assertThat(first.get("/v1/me").json().getJsonArray("keys")).hasSize(2);

    long firstKeyId = first.get("/v1/me").json().getJsonArray("keys").getJsonObject(0).getLong("id");
    assertThat(second.delete("/v1/users/" + id + "/keys/" + firstKeyId).status()).isEqualTo(200);
    assertError(first.get("/v1/me"), 401, "unauthorized");
    await().atMost(Duration.ofSeconds(2))
        .until(() -> other.withKey(user.getString("key")).get("/v1/me").status() == 401);
    assertThat(other.withKey(added.json().getString("key")).get("/v1/me").status()).isEqualTo(200);
    assertError(second.delete("/v1/users/" + id + "/keys/" + firstKeyId), 404, "not_found");
  }

  @Test
  @DisplayName(
      "a disabled user is refused with 403 on both nodes until an admin enables it; an admin cannot disable itself")
  void disable() {
    JsonObject user = create("sleeper");
    long id = user.getLong("id");
    ApiClient key = node.withKey(user.getString("key"));
    ApiClient.Response patched = node.admin().patchJson("/v1/users/" + id, new JsonObject().put("disabled", true));
    assertThat(patched.json().getBoolean("disabled")).isTrue();
    assertError(key.get("/v1/jobs"), 403, "forbidden");
    assertError(other.withKey(user.getString("key")).get("/v1/jobs"), 403, "forbidden");
    node.admin().patchJson("/v1/users/" + id, new JsonObject().put("disabled", false));
    assertThat(key.get("/v1/jobs").status()).isEqualTo(200);

    long adminId = node.admin().get("/v1/me").json().getLong("id");
    assertError(node.admin().patchJson("/v1/users/" + adminId, new JsonObject().put("disabled", true)), 409,
        "conflict");
    assertError(node.admin().patchJson("/v1/users/" + id, new JsonObject().put("role", "admin")), 422, "invalid");
  }

  @Test
  @DisplayName("delete: refused while a job runs; then keys die, the user is gone, its jobs stay readable to an admin")
  void delete() {
    JsonObject user = create("leaver");
    long id = user.getLong("id");
    ApiClient key = node.withKey(user.getString("key"));
    long job = key.submit(List.of(origin.url("/slow/30000")), "robots=false").getLong("id");
    assertThat(key.get("/v1/me").json().getJsonObject("usage").getLong("activeJobs")).isEqualTo(1);
    assertError(node.admin().delete("/v1/users/" + id), 409, "conflict");

    key.delete("/v1/jobs/" + job);
    ApiClient.Response deleted = node.admin().delete("/v1/users/" + id);
    assertThat(deleted.status()).isEqualTo(200);
    assertError(key.get("/v1/me"), 401, "unauthorized");
    assertError(node.admin().get("/v1/users/" + id), 404, "not_found");
    assertThat(node.admin().get("/v1/users").json().getJsonArray("users").stream()
        .map(u -> ((JsonObject) u).getString("name"))).doesNotContain("leaver");
    assertThat(node.admin().get("/v1/jobs/" + job).status()).as("its job, for an admin").isEqualTo(200);
    assertError(node.admin().delete("/v1/users/" + id), 404, "not_found");
  }
}
