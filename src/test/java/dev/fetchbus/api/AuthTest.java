package dev.fetchbus.api;

import static dev.fetchbus.api.TestHttp.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("API keys, users and who may see which job")
class AuthTest {
  private static OriginServer origin;
  private static TestNode node;

  @BeforeAll
  static void start() {
    origin = OriginServer.start();
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    node.close();
    origin.close();
  }

  @Test
  @DisplayName("a request without an Authorization header is refused with a 401 JSON error on every /v1 route")
  void noHeader() throws Exception {
    ApiClient anonymous = node.anonymous();
    assertError(anonymous.get("/v1/jobs/1"), 401, "unauthorized");
    assertError(anonymous.get("/v1/jobs/1/results"), 401, "unauthorized");
    assertError(anonymous.delete("/v1/jobs/1"), 401, "unauthorized");
    assertError(anonymous.get("/v1/users"), 401, "unauthorized");
    assertError(anonymous.postJson("/v1/users", new JsonObject().put("name", "intruder")), 401, "unauthorized");
    long jobsBefore = jobCount();
    assertError(anonymous.post("/v1/jobs", "text/plain", origin.url("/page/anon") + "\n"), 401, "unauthorized");
    assertThat(jobCount()).as("a refused upload creates no job").isEqualTo(jobsBefore);
    assertThat(userNames()).doesNotContain("intruder");
  }

  @Test
  @DisplayName("a malformed Authorization header or an unknown key is refused with 401")
  void malformedHeaderAndUnknownKey() {
    String realKey = node.admin().postJson("/v1/users", new JsonObject().put("name", "header-owner")).json()
        .getString("key");
    for (String header : List.of("Basic dXNlcjpwYXNz", "Bearer", "Token " + realKey, realKey, "Bearer:" + realKey)) {
      ApiClient.Response r = TestHttp.send(TestHttp.request(node.port(), "/v1/jobs/1").header("Authorization", header));
      assertError(r, 401, "unauthorized");
    }
    for (String key : List.of("fb_unknown", realKey + "x", realKey.substring(0, realKey.length() - 1),
        realKey.toUpperCase())) {
      assertError(node.withKey(key).get("/v1/jobs/1"), 401, "unauthorized");
    }
    // The same key, properly presented, gets past authentication (404: there is no job 1 of theirs)
    assertError(node.withKey(realKey).get("/v1/jobs/1"), 404, "not_found");
    ApiClient.Response lowerCaseScheme = TestHttp.send(
        TestHttp.request(node.port(), "/v1/jobs/1").header("Authorization", "bearer " + realKey));
    assertError(lowerCaseScheme, 404, "not_found");
  }

  @Test
  @DisplayName("another user's job is 404 for GET, results and DELETE, exactly like a job that does not exist")
  void otherUsersJobIsInvisible() {
    ApiClient alice = node.newUser("alice");
    ApiClient bob = node.newUser("bob");
    // Slow URLs one at a time: the job is still running, so a wrongly allowed DELETE would cancel it
    List<String> urls = IntStream.range(0, 5).mapToObj(i -> origin.url("/slow/2000?n=" + i)).toList();
    long id = alice.submit(urls, "hostConcurrency=1").getLong("id");
    long missing = id + 1000;

    JsonObject hidden = assertError(bob.get("/v1/jobs/" + id), 404, "not_found");
    JsonObject absent = assertError(bob.get("/v1/jobs/" + missing), 404, "not_found");
    assertThat(hidden.getString("message").replace(String.valueOf(id), "N"))
        .as("a hidden job and a missing one look the same")
        .isEqualTo(absent.getString("message").replace(String.valueOf(missing), "N"));
    assertError(bob.get("/v1/jobs/" + id + "/results"), 404, "not_found");
    assertError(bob.get("/v1/jobs/" + id + "/results?format=csv"), 404, "not_found");
    assertError(bob.delete("/v1/jobs/" + id), 404, "not_found");

    JsonObject mine = alice.get("/v1/jobs/" + id).json();
    assertThat(mine.getLong("id")).isEqualTo(id);
    assertThat(mine.getString("state")).as("bob's DELETE did nothing").isIn("queued", "running");
    ApiClient.Response cancelled = alice.delete("/v1/jobs/" + id);
    assertThat(cancelled.status()).as("the owner can still cancel: %s", cancelled.body()).isEqualTo(200);
    assertThat(cancelled.json().getString("state")).isEqualTo("cancelled");
  }

  @Test
  @DisplayName("a non-admin may neither create nor list users (403)")
  void nonAdminCannotManageUsers() throws Exception {
    ApiClient carol = node.newUser("carol");
    assertError(carol.get("/v1/users"), 403, "forbidden");
    assertError(carol.postJson("/v1/users", new JsonObject().put("name", "carols-friend")), 403, "forbidden");
    assertError(carol.postJson("/v1/users", new JsonObject().put("name", "carols-boss").put("role", "admin")),
        403, "forbidden");
    assertThat(userNames()).contains("carol").doesNotContain("carols-friend", "carols-boss");
  }

  @Test
  @DisplayName("the admin's user list shows id, name, role and createdAt, and never a key or its hash")
  void adminListsUsersWithoutSecrets() throws Exception {
    JsonObject created = node.admin().postJson("/v1/users", new JsonObject().put("name", "dave")).json();
    String key = created.getString("key");
    ApiClient.Response r = node.admin().get("/v1/users");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    JsonArray users = r.json().getJsonArray("users");
    assertThat(users).isNotEmpty();
    List<String> names = new ArrayList<>();
    for (Object o : users) {
      JsonObject user = (JsonObject) o;
      assertThat(user.fieldNames()).as("fields of %s", user)
          .containsExactlyInAnyOrder("id", "name", "role", "disabled", "createdAt");
      assertThat(user.getLong("id")).isPositive();
      assertThat(user.getString("role")).isIn("admin", "user");
      assertThat(Instant.parse(user.getString("createdAt"))).isBefore(Instant.now().plusSeconds(60));
      names.add(user.getString("name"));
    }
    assertThat(names).contains("admin", "dave");
    JsonObject dave = users.stream().map(JsonObject.class::cast).filter(u -> u.getString("name").equals("dave"))
        .findFirst().orElseThrow();
    assertThat(dave.getLong("id")).isEqualTo(created.getLong("id"));
    assertThat(dave.getString("role")).isEqualTo("user");
    assertThat(r.body()).doesNotContain(key).doesNotContain(key.substring(3))
        .doesNotContain(hex(sha256(key))).doesNotContain(Base64.getEncoder().encodeToString(sha256(key)));
  }

  @Test
  @DisplayName("creating a user returns 201, a Location and the key once, and that key works")
  void createdUserKeyWorks() {
    ApiClient.Response r = node.admin().postJson("/v1/users", new JsonObject().put("name", "erin"));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonObject erin = r.json();
    assertThat(erin.getString("name")).isEqualTo("erin");
    assertThat(erin.getString("role")).isEqualTo("user");
    assertThat(r.header("Location")).isEqualTo("/v1/users/" + erin.getLong("id"));
    String key = erin.getString("key");
    assertThat(key).startsWith("fb_").hasSizeGreaterThanOrEqualTo(40);

    ApiClient client = node.withKey(key);
    JsonObject job = client.submit(List.of(origin.url("/page/erin")), null);
    assertThat(client.get("/v1/jobs/" + job.getLong("id")).status()).isEqualTo(200);
    assertError(client.get("/v1/users"), 403, "forbidden");

    ApiClient.Response admin = node.admin().postJson("/v1/users",
        new JsonObject().put("name", "erins-admin").put("role", "admin"));
    assertThat(admin.status()).isEqualTo(201);
    assertThat(node.withKey(admin.json().getString("key")).get("/v1/users").status())
        .as("a new admin's key can manage users").isEqualTo(200);
  }

  @Test
  @DisplayName("a second user with the same name is refused with 409, and the first keeps its key")
  void duplicateNameConflicts() throws Exception {
    String key = node.admin().postJson("/v1/users", new JsonObject().put("name", "frank")).json().getString("key");
    assertError(node.admin().postJson("/v1/users", new JsonObject().put("name", "frank")), 409, "conflict");
    assertError(node.admin().postJson("/v1/users", new JsonObject().put("name", " frank ")), 409, "conflict");
    assertThat(userNames().stream().filter("frank"::equals)).hasSize(1);
    assertThat(node.withKey(key).get("/v1/jobs/1").status()).as("frank's key still works").isEqualTo(404);
  }

  @Test
  @DisplayName("api_keys stores the key's 32-byte SHA-256, never the key itself")
  void storesOnlyTheHash() throws Exception {
    String key = node.admin().postJson("/v1/users", new JsonObject().put("name", "grace")).json().getString("key");
    try (Connection conn = TestDatabase.connect(node.databaseUrl());
        PreparedStatement st = conn.prepareStatement(
            "select k.key_hash, u::text from api_keys k join users u on u.id = k.user_id where u.name = ?")) {
      st.setString(1, "grace");
      try (ResultSet rows = st.executeQuery()) {
        assertThat(rows.next()).isTrue();
        byte[] stored = rows.getBytes(1);
        assertThat(stored).hasSize(32).isEqualTo(sha256(key));
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(key);
        assertThat(rows.getString(2)).doesNotContain(key).doesNotContain(key.substring(3));
      }
    }
    try (Connection conn = TestDatabase.connect(node.databaseUrl()); Statement st = conn.createStatement();
        ResultSet rows = st.executeQuery(
            "select k.key_hash from api_keys k join users u on u.id = k.user_id where u.name = 'admin'")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getBytes(1)).isEqualTo(sha256(TestNode.ADMIN_KEY));
    }
  }

  @Test
  @DisplayName("an admin sees any user's job and its results")
  void adminSeesAnyJob() {
    ApiClient heidi = node.newUser("heidi");
    List<String> urls = IntStream.range(0, 3).mapToObj(i -> origin.url("/page/heidi" + i)).toList();
    long id = heidi.submit(urls, null).getLong("id");
    heidi.awaitState(id, "done", Duration.ofSeconds(60));

    ApiClient.Response job = node.admin().get("/v1/jobs/" + id);
    assertThat(job.status()).isEqualTo(200);
    assertThat(job.json().getLong("id")).isEqualTo(id);
    assertThat(job.json().getJsonObject("urls").getLong("done")).isEqualTo(3);
    ApiClient.Response results = node.admin().get("/v1/jobs/" + id + "/results");
    assertThat(results.status()).isEqualTo(200);
    assertThat(results.ndjson()).extracting(r -> r.getString("url")).containsExactlyInAnyOrderElementsOf(urls);
  }

  private static long jobCount() throws Exception {
    try (Connection conn = TestDatabase.connect(node.databaseUrl()); Statement st = conn.createStatement();
        ResultSet rows = st.executeQuery("select count(*) from jobs")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static List<String> userNames() throws Exception {
    List<String> names = new ArrayList<>();
    try (Connection conn = TestDatabase.connect(node.databaseUrl()); Statement st = conn.createStatement();
        ResultSet rows = st.executeQuery("select name from users")) {
      while (rows.next()) {
        names.add(rows.getString(1));
      }
    }
    return names;
  }

  private static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
