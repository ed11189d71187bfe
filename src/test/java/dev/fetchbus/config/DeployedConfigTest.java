package dev.fetchbus.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A node's configuration, handed to its verticles by reference")
class DeployedConfigTest {
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  @DisplayName("a reference is a one-key config that resolves to the whole configuration on the same node")
  void referenceResolves() {
    JsonObject full = new JsonObject().put("fetch", new JsonObject().put("instances", 3)).put("x", "y");
    JsonObject reference = DeployedConfig.reference(vertx, full);
    assertThat(reference.fieldNames()).containsExactly(DeployedConfig.REF);
    assertThat(DeployedConfig.resolve(vertx, reference)).isEqualTo(full);
    assertThat(DeployedConfig.resolve(vertx, DeployedConfig.reference(vertx, new JsonObject().put("x", "z"))))
        .isEqualTo(new JsonObject().put("x", "z"));
  }

  @Test
  @DisplayName("a verticle deployed with its own configuration keeps it; an unknown reference is a clear error")
  void plainConfigAndUnknownReference() {
    JsonObject own = new JsonObject().put("http", new JsonObject().put("port", 8080));
    assertThat(DeployedConfig.resolve(vertx, own)).isSameAs(own);
    Vertx other = Vertx.vertx();
    try {
      JsonObject elsewhere = DeployedConfig.reference(other, own);
      assertThatThrownBy(() -> DeployedConfig.resolve(vertx, elsewhere))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("NodeVerticle");
    } finally {
      other.close().await();
    }
  }
}
