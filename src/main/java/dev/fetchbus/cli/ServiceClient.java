package dev.fetchbus.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The fetchbus HTTP API as the command line uses it, on {@code java.net.http} (blocking calls on the
 * command's own thread: no event loop is involved on this side). Bodies are streamed both ways: a
 * URL list is uploaded as it is read, results are handed back as a stream for the caller to copy.
 * An error answer becomes a {@link CliException} carrying the server's message.
 */
final class ServiceClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
      .version(HttpClient.Version.HTTP_1_1).build();
  private final URI base;
  private final String key;

  ServiceClient(URI base, String key) {
    this.base = base;
    this.key = key;
  }

  URI base() {
    return base;
  }

  /** GET of a JSON answer. */
  JsonObject get(String path) throws InterruptedException {
    return json(request(path).GET().timeout(CALL_TIMEOUT).build());
  }

  /** POST of a JSON object, answered with JSON (users, crawl jobs). */
  JsonObject post(String path, JsonObject body) throws InterruptedException {
    return json(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build());
  }

  /** POST of a body of another type (a URL list as text/plain), read as it is sent. */
  JsonObject post(String path, String contentType, BodyPublisher body) throws InterruptedException {
    return json(request(path).header("Content-Type", contentType).POST(body).build());
  }

  /** A streamed GET (results, WARC, events): the caller reads the body and closes it. */
  InputStream stream(String path) throws InterruptedException {
    HttpResponse<InputStream> response = send(request(path).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() / 100 != 2) {
      try (InputStream body = response.body()) {
        throw failure(response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new CliException("The server answered " + response.statusCode() + " to GET " + path);
      }
    }
    return response.body();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + key)
        .header("User-Agent", "fetchbus-cli");
  }

  private JsonObject json(HttpRequest request) throws InterruptedException {
    HttpResponse<String> response = send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw failure(response.statusCode(), response.body());
    }
    try {
      return new JsonObject(response.body());
    } catch (DecodeException e) {
      throw new CliException("The server at " + base + " did not answer with JSON: is it fetchbus?");
    }
  }

  private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws InterruptedException {
    try {
      return http.send(request, handler);
    } catch (ConnectException e) {
      throw new CliException("Cannot reach the fetchbus server at " + base + " (connection refused)");
    } catch (IOException e) {
      throw new CliException("The request to " + base + request.uri().getPath() + " failed: " + describe(e));
    } catch (UncheckedIOException e) {
      throw new CliException("Reading the URL list failed: " + describe(e.getCause()));
    }
  }

  /** The server's own message when it sent one ({"error", "message"}), else the status alone. */
  private CliException failure(int status, String body) {
    String message;
    try {
      JsonObject error = new JsonObject(body);
      message = error.getString("message", error.getString("error", body));
    } catch (DecodeException | ClassCastException e) {
      message = body.length() > 200 ? body.substring(0, 200) + "..." : body;
    }
    String hint = status == 401 ? " (check --key or FETCHBUS_KEY)" : "";
    return new CliException("The server answered " + status + ": " + message + hint);
  }

  private static String describe(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
