package dev.fetchbus.api;

import static dev.fetchbus.api.TestHttp.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.RecordingOrigin;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A job's progress as Server-Sent Events")
class JobEventsTest {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration STREAM_TIMEOUT = Duration.ofMinutes(2);
  private static final Set<String> PROGRESS_FIELDS = Set.of("id", "state", "urls", "pagesPerSecond", "currentDepth");
  private static RecordingOrigin origin;
  private static TestNode node;
  private static String key;
  private static ApiClient user;
  private static final ExecutorService READERS = Executors.newCachedThreadPool();

  @BeforeAll
  static void start() {
    origin = new RecordingOrigin().pageDelayMs(300);
    node = TestNode.start();
    key = newKey("watcher");
    user = node.withKey(key);
  }

  @AfterAll
  static void stop() {
    READERS.shutdownNow();
    node.close();
    origin.close();
  }

  private static String newKey(String name) {
    return node.admin().postJson("/v1/users", new JsonObject().put("name", name)).json().getString("key");
  }

  /** One event of the stream: its name and its data, parsed as JSON. */
  private record Event(String name, JsonObject data) {}

  /** The stream's response: status, headers, and its events up to the end of the stream. */
  private record Opened(HttpResponse<Stream<String>> response, List<Event> events, List<String> lines) {}

  /** Opens the stream with {@code key} and reads it to its end, failing if that takes longer than the timeout. */
  private static Opened readStream(long jobId, String withKey) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + node.port() + "/v1/jobs/" + jobId + "/events"))
        .timeout(Duration.ofSeconds(60));
    if (withKey != null) {
      request.header("Authorization", "Bearer " + withKey);
    }
    HttpResponse<Stream<String>> response = HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofLines());
    List<String> lines = new ArrayList<>();
    CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
      try (Stream<String> body = response.body()) {
        Iterator<String> it = body.iterator();
        while (it.hasNext()) {
          String line = it.next();
          synchronized (lines) {
            lines.add(line);
          }
        }
      }
    }, READERS);
    try {
      reading.get(STREAM_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      response.body().close();
      synchronized (lines) {
        throw new AssertionError("the event stream did not end within " + STREAM_TIMEOUT + "; read " + lines);
      }
    }
    return new Opened(response, parse(lines), lines);
  }

  /** Events are "event:" and "data:" lines, ended by a blank line. */
  private static List<Event> parse(List<String> lines) {
    List<Event> events = new ArrayList<>();
    String name = null;
    StringBuilder data = null;
    for (String line : lines) {
      if (line.isEmpty()) {
        if (name != null || data != null) {
          events.add(new Event(name, data == null ? null : new JsonObject(data.toString())));
        }
        name = null;
        data = null;
      } else if (line.startsWith("event:")) {
        name = line.substring("event:".length()).strip();
      } else if (line.startsWith("data:")) {
        data = (data == null ? new StringBuilder() : data.append('\n'))
            .append(line.substring("data:".length()).strip());
      } else {
        throw new AssertionError("not an SSE line: '" + line + "' in " + lines);
      }
    }
    assertThat(name).as("no event is left unterminated").isNull();
    assertThat(data).as("no data is left unterminated").isNull();
    return events;
  }

  private static long slowCrawl(int pages) {
    JsonArray seeds = new JsonArray(IntStream.range(0, pages).mapToObj(i -> origin.url("/page/" + i)).toList());
    ApiClient.Response r = user.postJson("/v1/jobs", new JsonObject().put("kind", "crawl").put("seeds", seeds)
        .put("limits", new JsonObject().put("maxDepth", 0))
        .put("options", new JsonObject().put("hostConcurrency", 1)));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getLong("id");
  }

  @Test
  @DisplayName("streams progress events with the job's counts, then one end event once the job is done, then closes")
  void progressThenEnd() throws Exception {
    long id = slowCrawl(10);

    Opened stream = readStream(id, key);

    assertThat(stream.response().statusCode()).isEqualTo(200);
    assertThat(stream.response().headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/event-stream"));
    List<Event> events = stream.events();
    assertThat(events).as("events of %s", stream.lines()).hasSizeGreaterThanOrEqualTo(2);
    List<Event> progress = events.subList(0, events.size() - 1);
    assertThat(progress).as("every event but the last").allSatisfy(e -> {
      assertThat(e.name()).isEqualTo("progress");
      assertThat(e.data().fieldNames()).containsExactlyInAnyOrderElementsOf(PROGRESS_FIELDS);
      assertThat(e.data().getLong("id")).isEqualTo(id);
      assertThat(e.data().getString("state")).isIn("queued", "running");
      assertThat(e.data().getValue("urls")).isInstanceOf(JsonObject.class);
      assertThat(e.data().getValue("pagesPerSecond")).isInstanceOf(Number.class);
      assertThat(e.data().getValue("currentDepth")).as("only seeds, at depth 0, are crawled").isIn(0, null);
    });
    assertThat(progress.get(0).data().getValue("currentDepth")).as("the seeds are waiting at first").isEqualTo(0);
    long[] done = progress.stream().mapToLong(e -> e.data().getJsonObject("urls").getLong("done", 0L)).toArray();
    for (int i = 1; i < done.length; i++) {
      assertThat(done[i]).as("done counts never go down: %s", stream.lines()).isGreaterThanOrEqualTo(done[i - 1]);
    }

    Event end = events.get(events.size() - 1);
    assertThat(end.name()).isEqualTo("end");
    assertThat(end.data().fieldNames()).containsExactlyInAnyOrderElementsOf(PROGRESS_FIELDS);
    assertThat(end.data().getLong("id")).isEqualTo(id);
    assertThat(end.data().getString("state")).isEqualTo("done");
    assertThat(end.data().getJsonObject("urls").getLong("done")).isEqualTo(10);
    assertThat(end.data().getDouble("pagesPerSecond")).isPositive();
    assertThat(end.data().getValue("currentDepth")).as("nothing is left to fetch").isNull();
    assertThat(user.get("/v1/jobs/" + id).json().getString("state")).isEqualTo("done");
  }

  @Test
  @DisplayName("a job that is already done gets its end event at once")
  void finishedJob() throws Exception {
    long id = slowCrawl(1);
    user.awaitState(id, "done", Duration.ofMinutes(2));

    List<Event> events = readStream(id, key).events();

    assertThat(events).hasSize(1);
    assertThat(events.get(0).name()).isEqualTo("end");
    assertThat(events.get(0).data().getString("state")).isEqualTo("done");
    assertThat(events.get(0).data().getJsonObject("urls").getLong("done")).isEqualTo(1);
  }

  @Test
  @DisplayName("a cancelled job ends the stream with its cancelled state")
  void cancelledJob() throws Exception {
    long id = slowCrawl(200);
    CompletableFuture<Opened> stream = CompletableFuture.supplyAsync(() -> {
      try {
        return readStream(id, key);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, READERS);
    user.awaitState(id, "running", Duration.ofMinutes(1));
    assertThat(user.delete("/v1/jobs/" + id).status()).isEqualTo(200);

    List<Event> events = stream.get(STREAM_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS).events();

    Event end = events.get(events.size() - 1);
    assertThat(end.name()).isEqualTo("end");
    assertThat(end.data().getString("state")).isEqualTo("cancelled");
    assertThat(end.data().getLong("id")).isEqualTo(id);
  }

  @Test
  @DisplayName("another user's job is 404 and a request without a key is 401, both before any stream begins")
  void accessIsChecked() throws Exception {
    long id = slowCrawl(1);
    String other = newKey("stranger");

    ApiClient.Response stranger = TestHttp.send(TestHttp.request(node.port(), "/v1/jobs/" + id + "/events", other));
    ApiClient.Response anonymous = TestHttp.send(TestHttp.request(node.port(), "/v1/jobs/" + id + "/events"));
    ApiClient.Response missing = TestHttp.send(TestHttp.request(node.port(), "/v1/jobs/999999999/events", key));
    ApiClient.Response notAnId = TestHttp.send(TestHttp.request(node.port(), "/v1/jobs/abc/events", key));

    assertError(stranger, 404, "not_found");
    assertError(anonymous, 401, "unauthorized");
    assertError(missing, 404, "not_found");
    assertError(notAnId, 404, "not_found");
    assertThat(TestHttp.send(TestHttp.request(node.port(), "/v1/jobs/" + id + "/events", TestNode.ADMIN_KEY)).status())
        .as("an admin sees every job").isEqualTo(200);
    user.awaitState(id, "done", Duration.ofMinutes(2));
  }
}
