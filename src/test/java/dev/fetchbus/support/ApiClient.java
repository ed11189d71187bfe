package dev.fetchbus.support;

import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;

/** A blocking API client for tests, as a user would call fetchbus: over HTTP, with a bearer key. */
public final class ApiClient {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final int port;
  private final String key;

  /** A response: status, headers and body text. */
  public record Response(int status, HttpHeaders headers, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public List<JsonObject> ndjson() {
      List<JsonObject> lines = new ArrayList<>();
      for (String line : body.split("\n")) {
        if (!line.isBlank()) {
          lines.add(new JsonObject(line));
        }
      }
      return lines;
    }

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  ApiClient(int port, String key) {
    this.port = port;
    this.key = key;
  }

  /** A client for a node that runs elsewhere (for example a jar started as a child process). */
  public static ApiClient of(int port, String key) {
    return new ApiClient(port, key);
  }

  public Response get(String path) {
    return send(request(path).GET());
  }

  /** A response whose body is kept as bytes: for bodies that must come back exactly as served. */
  public record Bytes(int status, HttpHeaders headers, byte[] body) {
    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  public Bytes getBytes(String path) {
    try {
      HttpResponse<byte[]> r = HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Bytes(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Response delete(String path) {
    return send(request(path).DELETE());
  }

  public String key() {
    return key;
  }

  public Response patchJson(String path, JsonObject body) {
    return send(request(path).method("PATCH", HttpRequest.BodyPublishers.ofString(body.encode()))
        .header("Content-Type", "application/json"));
  }

  public Response postJson(String path, JsonObject body) {
    return post(path, "application/json", body.encode());
  }

  public Response post(String path, String contentType, String body) {
    HttpRequest.Builder builder = request(path).POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    return send(builder);
  }

  /** Submits URLs as a text/plain job and returns the 201 body. */
  public JsonObject submit(List<String> urls, String query) {
    Response r = post("/v1/jobs" + (query == null ? "" : "?" + query), "text/plain", String.join("\n", urls) + "\n");
    if (r.status() != 201) {
      throw new AssertionError("job submit failed: " + r.status() + " " + r.body());
    }
    return r.json();
  }

  public JsonObject submitJson(JsonArray urls, JsonObject options) {
    Response r = postJson("/v1/jobs", new JsonObject().put("urls", urls).put("options", options));
    if (r.status() != 201) {
      throw new AssertionError("job submit failed: " + r.status() + " " + r.body());
    }
    return r.json();
  }

  /** Polls the job until it reaches {@code state}, or fails after {@code timeout} with the job as last seen. */
  public JsonObject awaitState(long jobId, String state, Duration timeout) {
    AtomicReference<JsonObject> last = new AtomicReference<>();
    try {
      return await("job " + jobId + " to reach " + state).atMost(timeout).pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> {
            last.set(get("/v1/jobs/" + jobId).json());
            return last.get();
          }, job -> state.equals(job.getString("state")));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("job " + jobId + " did not reach " + state + " in " + timeout + "; last seen "
          + last.get(), e);
    }
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(60));
    if (key != null) {
      builder.header("Authorization", "Bearer " + key);
    }
    return builder;
  }

  private static Response send(HttpRequest.Builder builder) {
    try {
      HttpResponse<String> r = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
