package dev.fetchbus.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A node without Chromium refuses rendering jobs, naming render.chromium, and says so on /ready")
class RenderUnavailableTest {
  private static TestNode node;
  private static ApiClient user;

  @BeforeAll
  static void start() {
    node = TestNode.start(new JsonObject().put("render", new JsonObject().put("chromium", "/nonexistent/chromium")));
    user = node.newUser("norender");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  @DisplayName(
      "a crawl and a URL list with render: chromium are refused with 422 naming render.chromium; other jobs run")
  void refused() {
    JsonObject crawl = new JsonObject().put("kind", "crawl").put("seeds", new JsonArray().add("http://127.0.0.1:9/"))
        .put("options", new JsonObject().put("render", "chromium"));
    for (ApiClient.Response r : new ApiClient.Response[] {user.postJson("/v1/jobs", crawl),
        user.postJson("/v1/jobs", new JsonObject().put("urls", new JsonArray().add("http://127.0.0.1:9/"))
            .put("options", new JsonObject().put("render", "chromium")))}) {
      assertThat(r.status()).as(r.body()).isEqualTo(422);
      JsonObject body = r.json();
      assertThat(body.getString("error")).isEqualTo("invalid");
      assertThat(body.getString("message")).contains("render.chromium").contains("/nonexistent/chromium");
    }
    ApiClient.Response plain =
        user.postJson("/v1/jobs", crawl.copy().put("options", new JsonObject().put("render", "none")));
    assertThat(plain.status()).as(plain.body()).isEqualTo(201);
  }

  @Test
  @DisplayName("an unknown render mode is refused")
  void unknownMode() {
    ApiClient.Response r =
        user.postJson("/v1/jobs", new JsonObject().put("urls", new JsonArray().add("http://127.0.0.1:9/"))
        .put("options", new JsonObject().put("render", "firefox")));
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.json().getString("message")).contains("'render' must be 'none' or 'chromium'");
  }

  @Test
  @DisplayName("/ready says the node cannot render, and stays ready")
  void ready() {
    ApiClient.Response r = node.anonymous().get("/ready");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getBoolean("rendering")).isFalse();
  }
}
