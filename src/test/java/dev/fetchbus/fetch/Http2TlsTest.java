package dev.fetchbus.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.StubDns;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * HTTPS origins on loopback with certificates made here: one offering h2 by ALPN, one HTTP/1.1
 * only, both trusted through {@code fetch.trustStore} (one PEM file holding both CAs); and
 * certificates that must fail: one no trusted CA issued, one for another name.
 */
@DisplayName("HTTP/2 and TLS")
class Http2TlsTest {
  private final Vertx vertx = Vertx.vertx();
  private final Map<String, HttpVersion> versions = new ConcurrentHashMap<>();

  private int listen(SelfSignedCertificate cert, boolean h2) {
    HttpServerOptions options = new HttpServerOptions().setSsl(true).setKeyCertOptions(cert.keyCertOptions())
        .setHost("127.0.0.1").setPort(0);
    if (h2) {
      options.setUseAlpn(true).setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
    }
    HttpServer server = TestNode.await(vertx.createHttpServer(options).requestHandler(req -> {
      versions.put(req.authority().host() + req.path(), req.version());
      req.response().putHeader("Content-Type", "text/html").end("<title>tls</title>");
    }).listen());
    return server.actualPort();
  }

  @Test
  @DisplayName(
      "h2 is negotiated where offered and recorded as HTTP/2; untrusted and mismatched certificates fail as tls")
  void http2AndTlsErrors() throws IOException {
    SelfSignedCertificate h2Cert = SelfSignedCertificate.create("h2.fetchbus.test");
    SelfSignedCertificate h1Cert = SelfSignedCertificate.create("h1.fetchbus.test");
    SelfSignedCertificate untrustedCert = SelfSignedCertificate.create("untrusted.fetchbus.test");
    Path bundle = Files.createTempFile("fetchbus-test-cas", ".pem");
    Files.writeString(bundle, Files.readString(Path.of(h2Cert.certificatePath()))
        + Files.readString(Path.of(h1Cert.certificatePath())));
    int h2 = listen(h2Cert, true);
    int h1 = listen(h1Cert, false);
    int untrusted = listen(untrustedCert, true);
    try (TestNode node = TestNode.start(new JsonObject().put("fetch", new JsonObject()
        .put("trustStore", bundle.toString()).put("maxAttempts", 1)))) {
      HostResolver.useLookup(node.vertx(), new StubDns()
          .answer("h2.fetchbus.test", "127.0.0.1").answer("h1.fetchbus.test", "127.0.0.1")
          .answer("untrusted.fetchbus.test", "127.0.0.1").answer("wrong.fetchbus.test", "127.0.0.1"));
      ApiClient user = node.newUser("tls");
      String viaH2 = "https://h2.fetchbus.test:" + h2 + "/page";
      String viaH1 = "https://h1.fetchbus.test:" + h1 + "/page";
      String notTrusted = "https://untrusted.fetchbus.test:" + untrusted + "/page";
      String wrongName = "https://wrong.fetchbus.test:" + h2 + "/page";
      long id = user.submitJson(new JsonArray(List.of(viaH2, viaH1, notTrusted, wrongName)),
          new JsonObject().put("robots", false)).getLong("id");
      user.awaitState(id, "done", Duration.ofSeconds(60));
      Map<String, JsonObject> records = user.get("/v1/jobs/" + id + "/results").ndjson().stream()
          .collect(Collectors.toMap(r -> r.getString("url"), Function.identity()));

      assertThat(records.get(viaH2).getJsonObject("error")).as("%s", records.get(viaH2)).isNull();
      assertThat(records.get(viaH2).getString("protocol")).isEqualTo("HTTP/2");
      assertThat(versions.get("h2.fetchbus.test/page")).isEqualTo(HttpVersion.HTTP_2);
      assertThat(records.get(viaH1).getJsonObject("error")).as("%s", records.get(viaH1)).isNull();
      assertThat(records.get(viaH1).getString("protocol")).as("no h2 offered: HTTP/1.1").isEqualTo("HTTP/1.1");
      assertTls(records.get(notTrusted), "certificate not issued by a trusted CA");
      assertTls(records.get(wrongName), "certificate does not match the host name");
      assertThat(versions).doesNotContainKeys("untrusted.fetchbus.test/page", "wrong.fetchbus.test/page");

      ApiClient.Response page = user.get("/v1/jobs/" + id + "/pages/" + records.get(viaH2).getLong("cursor"));
      assertThat(page.status()).as(page.body()).isEqualTo(200);
      assertThat(page.json().getString("protocol")).isEqualTo("HTTP/2");
    } finally {
      TestNode.await(vertx.close());
      Files.deleteIfExists(bundle);
    }
  }

  @Test
  @DisplayName("fetch.http2=false keeps https on HTTP/1.1 where h2 is offered")
  void switchedOff() {
    SelfSignedCertificate cert = SelfSignedCertificate.create("h2.fetchbus.test");
    int h2 = listen(cert, true);
    try (TestNode node = TestNode.start(new JsonObject().put("fetch", new JsonObject()
        .put("trustStore", cert.certificatePath()).put("http2", false)))) {
      HostResolver.useLookup(node.vertx(), new StubDns().answer("h2.fetchbus.test", "127.0.0.1"));
      ApiClient user = node.newUser("h1");
      String tls = "https://h2.fetchbus.test:" + h2 + "/off";
      long id = user.submitJson(new JsonArray(List.of(tls)), new JsonObject().put("robots", false)).getLong("id");
      user.awaitState(id, "done", Duration.ofSeconds(60));
      JsonObject record = user.get("/v1/jobs/" + id + "/results").ndjson().get(0);
      assertThat(record.getJsonObject("error")).as("%s", record).isNull();
      assertThat(record.getString("protocol")).isEqualTo("HTTP/1.1");
      assertThat(versions.get("h2.fetchbus.test/off")).isEqualTo(HttpVersion.HTTP_1_1);
    } finally {
      TestNode.await(vertx.close());
    }
  }

  @Test
  @DisplayName("with HTTP/2 on (the default), a cleartext request carries no h2c upgrade")
  void noH2cUpgrade() {
    Map<String, String> upgrades = new ConcurrentHashMap<>();
    int plain = TestNode.await(vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(req -> {
          upgrades.put(req.path(), String.valueOf(req.getHeader("Upgrade")));
          versions.put("plain" + req.path(), req.version());
          req.response().putHeader("Content-Type", "text/html").end("<title>plain</title>");
        }).listen()).actualPort();
    try (TestNode node = TestNode.start()) {
      ApiClient user = node.newUser("clear");
      String clear = "http://127.0.0.1:" + plain + "/clear";
      long id = user.submitJson(new JsonArray(List.of(clear)), new JsonObject().put("robots", false)).getLong("id");
      user.awaitState(id, "done", Duration.ofSeconds(60));
      JsonObject record = user.get("/v1/jobs/" + id + "/results").ndjson().get(0);
      assertThat(record.getJsonObject("error")).as("%s", record).isNull();
      assertThat(record.getString("protocol")).isEqualTo("HTTP/1.1");
      assertThat(upgrades).containsEntry("/clear", "null");
      assertThat(versions.get("plain/clear")).isEqualTo(HttpVersion.HTTP_1_1);
    } finally {
      TestNode.await(vertx.close());
    }
  }

  private static void assertTls(JsonObject record, String reason) {
    assertThat(record.getJsonObject("error")).as("%s", record).isNotNull();
    assertThat(record.getJsonObject("error").getString("code")).as("%s", record).isEqualTo("tls");
    assertThat(record.getJsonObject("error").getString("message")).as("%s", record).startsWith(reason);
  }
}
