package dev.fetchbus.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fetchbus.config.Settings;
import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Who may read a node's figures: keys on the API port, none on the loopback management port")
class OpsAccessTest {
  private static final List<String> FIGURES = List.of("/metrics", "/ops/stats");
  private static TestNode node;
  private static int managementPort;
  private static ApiClient user;
  private static ApiClient scraper;

  @BeforeAll
  static void start() {
    managementPort = TestNode.freePort();
    node = TestNode.start(new JsonObject().put("management", new JsonObject().put("port", managementPort)));
    user = node.newUser("ops-user");
    JsonObject created = node.admin().postJson("/v1/users",
        new JsonObject().put("name", "prometheus").put("role", "metrics")).json();
    assertThat(created.getString("role")).isEqualTo("metrics");
    scraper = node.withKey(created.getString("key"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  @DisplayName(
      "/metrics and /ops/stats on the API port: 401 without a key or with "
          + "a wrong one, 403 for a user, 200 for metrics and admin keys")
  void figuresNeedAMetricsOrAdminKey() {
    for (String path : FIGURES) {
      ApiClient.Response none = node.anonymous().get(path);
      assertThat(none.status()).as(path + " without a key").isEqualTo(401);
      assertThat(none.json().getString("error")).isEqualTo("unauthorized");
      assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer");
      assertThat(node.withKey("fb_not-a-key").get(path).status()).as(path + " wrong key").isEqualTo(401);
      ApiClient.Response other = user.get(path);
      assertThat(other.status()).as(path + " user key").isEqualTo(403);
      assertThat(other.json().getString("error")).isEqualTo("forbidden");
      assertThat(scraper.get(path).status()).as(path + " metrics key").isEqualTo(200);
      assertThat(node.admin().get(path).status()).as(path + " admin key").isEqualTo(200);
    }
    assertThat(scraper.get("/metrics").body()).contains("jvm_memory");
  }

  @Test
  @DisplayName("probes and the dashboard page (which holds no figures) need no key")
  void probesAreOpen() {
    assertThat(node.anonymous().get("/health").status()).isEqualTo(200);
    assertThat(node.anonymous().get("/ready").status()).isEqualTo(200);
    ApiClient.Response dashboard = node.anonymous().get("/dashboard");
    assertThat(dashboard.status()).isEqualTo(200);
    assertThat(dashboard.body())
        .as("the page sends a key with its registration, and asks for one when the bridge refuses")
        .contains("authorization: \"Bearer \" + key").contains("window.prompt");
  }

  @Test
  @DisplayName("a metrics key reads figures only: every /v1 route refuses it with 403")
  void metricsKeyCannotUseTheApi() {
    assertThat(scraper.get("/v1/jobs").status()).isEqualTo(403);
    ApiClient.Response submit = scraper.post("/v1/jobs", "text/plain", "http://127.0.0.1:9/\n");
    assertThat(submit.status()).isEqualTo(403);
    assertThat(submit.json().getString("error")).isEqualTo("forbidden");
    assertThat(scraper.get("/v1/users").status()).isEqualTo(403);
  }

  @Test
  @DisplayName("the management port serves probes and figures without a key, and not the API")
  void managementPortIsOpenButNarrow() {
    ApiClient local = ApiClient.of(managementPort, null);
    assertThat(local.get("/metrics").status()).isEqualTo(200);
    assertThat(local.get("/metrics").body()).contains("jvm_memory");
    assertThat(local.get("/ops/stats").json().containsKey("jobs")).isTrue();
    assertThat(local.get("/health").status()).isEqualTo(200);
    assertThat(local.get("/v1/jobs").status()).as("no API on the management port").isEqualTo(404);
    assertThat(ApiClient.of(managementPort, TestNode.ADMIN_KEY).get("/v1/users").status()).isEqualTo(404);
  }

  @Test
  @DisplayName("the management port binds to loopback by default: another address of this host refuses it")
  void managementPortIsLoopbackOnly() throws IOException {
    assertThat(Settings.load(new JsonObject(), Map.of()).management().host()).isEqualTo("127.0.0.1");
    Optional<InetAddress> external = NetworkInterface.networkInterfaces()
        .flatMap(NetworkInterface::inetAddresses)
        .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
        .findFirst();
    if (external.isEmpty()) {
      return; // a host with loopback only: nothing else to connect from
    }
    try (Socket socket = new Socket()) {
      assertThatThrownBy(() -> socket.connect(new InetSocketAddress(external.get(), managementPort), 2000))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  @DisplayName("management.port out of range is refused at startup, naming its variable")
  void badManagementPortIsRefused() {
    JsonObject bad = new JsonObject().put("management", new JsonObject().put("port", 70000));
    assertThatThrownBy(() -> Settings.load(bad, Map.of()))
        .hasMessageContaining("management.port").hasMessageContaining("FETCHBUS_MANAGEMENT_PORT");
  }
}
