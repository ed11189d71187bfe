package dev.fetchbus.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Raw HTTP for the API tests that need what {@link ApiClient} does not offer: chosen headers
 * (odd Authorization values, Content-Encoding), streamed bodies, other methods. Also the one
 * check every error response must pass.
 */
final class TestHttp {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private TestHttp() {}

  /** A request to the node on {@code port}, without any Authorization header. */
  static HttpRequest.Builder request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(120));
  }

  /** The same, with {@code Authorization: Bearer key}. */
  static HttpRequest.Builder request(int port, String path, String key) {
    return request(port, path).header("Authorization", "Bearer " + key);
  }

  static ApiClient.Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new ApiClient.Response(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Asserts an API error: the status, a JSON body with exactly the keys {@code error} and
   * {@code message}, the expected code, and a message that says something. Returns the body.
   */
  static JsonObject assertError(ApiClient.Response r, int status, String code) {
    assertThat(r.status()).as("status of %s", r.body()).isEqualTo(status);
    assertThat(r.header("Content-Type")).as("content type of a %d", status).startsWith("application/json");
    JsonObject body = new JsonObject(r.body());
    assertThat(body.fieldNames()).as("keys of %s", r.body()).containsExactlyInAnyOrder("error", "message");
    assertThat(body.getValue("error")).as("error code of %s", r.body()).isEqualTo(code);
    assertThat(body.getValue("message")).as("message of %s", r.body()).isInstanceOf(String.class);
    assertThat(body.getString("message")).isNotBlank();
    return body;
  }
}
