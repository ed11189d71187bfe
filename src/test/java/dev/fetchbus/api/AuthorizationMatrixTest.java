package dev.fetchbus.api;

import static dev.fetchbus.api.TestHttp.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.config.Settings;
import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import jdk.jfr.FlightRecorder;
import jdk.jfr.RecordingState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Who may call what: every route the API port serves (ApiVerticle.router(), OpsRoutes, ApiDocs) against
 * seven callers (a revoked key among them), each cell asserting one exact status (the admin's profile may also find one
 * running: 200 or 409). Refusals must be the API's JSON error, must change nothing, and on a job
 * route must look exactly like the answer for a job that does not exist, so they leak nothing.
 */
@DisplayName("Authorisation matrix: every route × every kind of caller")
class AuthorizationMatrixTest {

  /** The callers, in the order of the table's columns. */
  enum Caller {
    NONE("no key"), WRONG("wrong key"), REVOKED("revoked key"), OTHER("other user"), OWNER("owner"), ADMIN("admin"),
    METRICS("metrics key");

    final String label;

    Caller(String label) {
      this.label = label;
    }
  }

  /** Which job a route is called on. */
  enum JobUse {
    /** None: the route is not about one job. */
    NONE,
    /** The owner's small finished job, with pages, bodies, a WARC and its index; never changed. */
    SHARED,
    /** A fresh job of the owner's, still running (slow pages), for each cell. */
    FRESH_RUNNING,
    /** A fresh finished job of the owner's, for each cell. */
    FRESH_DONE
  }

  /** A route as the router declares it ({@code method}, {@code routerPath}) and as a cell calls it ({@code path}). */
  enum Route {
    CREATE_JOB("POST", "/v1/jobs", "/v1/jobs", JobUse.NONE),
    LIST_JOBS("GET", "/v1/jobs", "/v1/jobs?limit=1000", JobUse.NONE),
    GET_JOB("GET", "/v1/jobs/:id", "/v1/jobs/{job}", JobUse.SHARED),
    CANCEL_JOB("DELETE", "/v1/jobs/:id", "/v1/jobs/{job}", JobUse.FRESH_RUNNING),
    PURGE_JOB("DELETE", "/v1/jobs/:id", "/v1/jobs/{job}?purge=true", JobUse.FRESH_DONE),
    RESULTS("GET", "/v1/jobs/:id/results", "/v1/jobs/{job}/results", JobUse.SHARED),
    PAGE("GET", "/v1/jobs/:id/pages/:cursor", "/v1/jobs/{job}/pages/{cursor}", JobUse.SHARED),
    PAGE_BODY("GET", "/v1/jobs/:id/pages/:cursor/body", "/v1/jobs/{job}/pages/{cursor}/body", JobUse.SHARED),
    PAGE_SCREENSHOT("GET", "/v1/jobs/:id/pages/:cursor/screenshot", "/v1/jobs/{job}/pages/{cursor}/screenshot",
        JobUse.SHARED),
    WARC("GET", "/v1/jobs/:id/warc", "/v1/jobs/{job}/warc", JobUse.SHARED),
    CDX("GET", "/v1/jobs/:id/cdx", "/v1/jobs/{job}/cdx", JobUse.SHARED),
    EVENTS("GET", "/v1/jobs/:id/events", "/v1/jobs/{job}/events", JobUse.SHARED),
    FETCH("GET", "/v1/fetch", "/v1/fetch?url={url}", JobUse.NONE),
    LIST_USERS("GET", "/v1/users", "/v1/users", JobUse.NONE),
    CREATE_USER("POST", "/v1/users", "/v1/users", JobUse.NONE),
    ME("GET", "/v1/me", "/v1/me", JobUse.NONE),
    GET_USER("GET", "/v1/users/:id", "/v1/users/{owner}", JobUse.NONE),
    PATCH_USER("PATCH", "/v1/users/:id", "/v1/users/{owner}", JobUse.NONE),
    DELETE_USER("DELETE", "/v1/users/:id", "/v1/users/{victim}", JobUse.NONE),
    ADD_KEY("POST", "/v1/users/:id/keys", "/v1/users/{owner}/keys", JobUse.NONE),
    REVOKE_KEY("DELETE", "/v1/users/:id/keys/:keyId", "/v1/users/{owner}/keys/{key}", JobUse.NONE),
    PROFILE("POST", "/v1/admin/profile", "/v1/admin/profile?seconds=1", JobUse.NONE),
    METRICS("GET", "/metrics", "/metrics", JobUse.NONE),
    OPS_STATS("GET", "/ops/stats", "/ops/stats", JobUse.NONE),
    OPS_JOB("GET", "/ops/jobs/:id", "/ops/jobs/{job}", JobUse.SHARED),
    DASHBOARD("GET", "/dashboard", "/dashboard", JobUse.NONE),
    HEALTH("GET", "/health", "/health", JobUse.NONE),
    READY("GET", "/ready", "/ready", JobUse.NONE),
    OPENAPI("GET", "/openapi.json", "/openapi.json", JobUse.NONE),
    API_DOCS("GET", "/docs/api", "/docs/api", JobUse.NONE);

    final String method;
    final String routerPath;
    final String path;
    final JobUse job;

    Route(String method, String routerPath, String path, JobUse job) {
      this.method = method;
      this.routerPath = routerPath;
      this.path = path;
      this.job = job;
    }

    String label() {
      return method + " " + path;
    }
  }

  /** The statuses a cell accepts: one, except where the table says {@link #either}. */
  record Expect(Set<Integer> statuses) {
    @Override
    public String toString() {
      return statuses.stream().map(String::valueOf).collect(Collectors.joining(" or "));
    }
  }

  /** One line of the table: a route and what each caller gets, in {@link Caller} order. */
  record Row(Route route, List<Expect> cells) {}

  // @formatter:off
  /**
   * THE MATRIX. Columns: no key, wrong key, a key that was revoked, another user, the job's owner
   * (for routes that are not about one job: a plain user; for user routes: the user named), an
   * admin, and a key with the metrics role.
   */
  static final List<Row> MATRIX = List.of(
      //  route                 none  wrong revoked other owner admin        metrics
      row(Route.CREATE_JOB,     401,  401,  401,  201,  201,  201,               403),
      row(Route.LIST_JOBS,      401,  401,  401,  200,  200,  200,               403),
      row(Route.GET_JOB,        401,  401,  401,  404,  200,  200,               403),
      row(Route.CANCEL_JOB,     401,  401,  401,  404,  200,  200,               403),
      row(Route.PURGE_JOB,      401,  401,  401,  404,  200,  200,               403),
      row(Route.RESULTS,        401,  401,  401,  404,  200,  200,               403),
      row(Route.PAGE,           401,  401,  401,  404,  200,  200,               403),
      row(Route.PAGE_BODY,      401,  401,  401,  404,  200,  200,               403),
      // the shared job renders nothing: its owner and an admin get past authorisation to "no screenshot"
      row(Route.PAGE_SCREENSHOT, 401, 401,  401,  404,  404,  404,               403),
      row(Route.WARC,           401,  401,  401,  404,  200,  200,               403),
      row(Route.CDX,            401,  401,  401,  404,  200,  200,               403),
      row(Route.EVENTS,         401,  401,  401,  404,  200,  200,               403),
      row(Route.FETCH,          401,  401,  401,  200,  200,  200,               403),
      row(Route.LIST_USERS,     401,  401,  401,  403,  403,  200,               403),
      row(Route.CREATE_USER,    401,  401,  401,  403,  403,  201,               403),
      row(Route.ME,             401,  401,  401,  200,  200,  200,               403),
      row(Route.GET_USER,       401,  401,  401,  404,  200,  200,               403),
      row(Route.PATCH_USER,     401,  401,  401,  403,  403,  200,               403),
      row(Route.DELETE_USER,    401,  401,  401,  403,  403,  200,               403),
      row(Route.ADD_KEY,        401,  401,  401,  404,  201,  201,               403),
      row(Route.REVOKE_KEY,     401,  401,  401,  404,  200,  200,               403),
      row(Route.PROFILE,        401,  401,  401,  403,  403,  either(200, 409),  403),
      row(Route.METRICS,        401,  401,  401,  403,  403,  200,               200),
      row(Route.OPS_STATS,      401,  401,  401,  403,  403,  200,               200),
      row(Route.OPS_JOB,        401,  401,  401,  403,  403,  200,               200),
      row(Route.DASHBOARD,      200,  200,  200,  200,  200,  200,               200),
      row(Route.HEALTH,         200,  200,  200,  200,  200,  200,               200),
      row(Route.READY,          200,  200,  200,  200,  200,  200,               200),
      row(Route.OPENAPI,        200,  200,  200,  200,  200,  200,               200),
      row(Route.API_DOCS,       200,  200,  200,  200,  200,  200,               200));
  // @formatter:on

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private static final String PROFILER_LOCK = "fetchbus.profiler"; // ProfileRoute's one-at-a-time lock
  private static OriginServer origin;
  /** Slow pages for the jobs that must still be running, on a site of their own so they hold up nothing else. */
  private static OriginServer slowOrigin;
  private static TestNode node;
  private static ApiClient owner;
  private static final Map<Caller, String> KEYS = new EnumMap<>(Caller.class);
  private static long sharedJob;
  private static long sharedCursor;
  private static List<String> sharedUrls;
  private static long cellsRun;
  private static long ownerId;
  /** The user a DELETE_USER cell deletes, and the key a REVOKE_KEY cell revokes: fresh for each cell. */
  private static long victim;
  private static long freshKey;

  @BeforeAll
  static void start() {
    origin = OriginServer.start();
    slowOrigin = OriginServer.start();
    node = TestNode.start();
    KEYS.put(Caller.WRONG, "fb_" + UUID.randomUUID().toString().replace("-", "") + "0000000000");
    KEYS.put(Caller.OTHER, newKey("matrix-other", "user"));
    KEYS.put(Caller.OWNER, newKey("matrix-owner", "user"));
    KEYS.put(Caller.ADMIN, TestNode.ADMIN_KEY);
    KEYS.put(Caller.METRICS, newKey("matrix-scraper", "metrics"));
    owner = node.withKey(KEYS.get(Caller.OWNER));
    ownerId = owner.get("/v1/me").json().getLong("id");
    // a key of a real user, issued and then revoked: it must be as dead as a key never issued
    JsonObject extra = owner.post("/v1/users/" + ownerId + "/keys", "application/json", "").json();
    assertThat(owner.delete("/v1/users/" + ownerId + "/keys/" + extra.getLong("id")).status()).isEqualTo(200);
    KEYS.put(Caller.REVOKED, extra.getString("key"));

    sharedUrls = List.of(origin.url("/page/matrix1"), origin.url("/page/matrix2"));
    sharedJob = finishedJob(sharedUrls);
    List<JsonObject> records = owner.get("/v1/jobs/" + sharedJob + "/results").ndjson();
    assertThat(records).hasSize(2).allSatisfy(r -> assertThat(r.getBoolean("bodyStored")).isTrue());
    sharedCursor = records.get(0).getLong("cursor");
  }

  @AfterAll
  static void stop() {
    System.out.printf("AuthorizationMatrixTest: %d routes × %d callers = %d cells in the table, %d run%n",
        MATRIX.size(), Caller.values().length, MATRIX.size() * Caller.values().length, cellsRun);
    if (node != null) {
      node.close();
    }
    if (slowOrigin != null) {
      slowOrigin.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  @TestFactory
  @DisplayName("route × caller → status")
  Stream<DynamicNode> matrix() {
    return MATRIX.stream().map(row -> DynamicContainer.dynamicContainer(row.route().label(),
        Arrays.stream(Caller.values()).map(caller -> {
          Expect expect = row.cells().get(caller.ordinal());
          return DynamicTest.dynamicTest(caller.label + " → " + expect, () -> cell(row.route(), caller, expect));
        })));
  }

  @Test
  @DisplayName("the table has one row per route the API port serves, and a column per caller")
  void tableCoversEveryServedRoute() {
    assertThat(MATRIX).allSatisfy(row -> assertThat(row.cells()).hasSize(Caller.values().length));
    assertThat(MATRIX.stream().map(Row::route)).doesNotHaveDuplicates()
        .containsExactlyInAnyOrder(Route.values());

    // The routes the real router declares, built exactly as a node builds it (nothing connects)
    Vertx scratch = Vertx.vertx();
    try {
      ApiVerticle api = new ApiVerticle();
      api.init(scratch, scratch.getOrCreateContext());
      Settings settings = Settings.load(new JsonObject()
          .put("http", new JsonObject().put("port", TestNode.freePort()).put("host", "127.0.0.1"))
          .put("pg", new JsonObject().put("url", node.databaseUrl()))
          .put("admin", new JsonObject().put("key", TestNode.ADMIN_KEY)), Map.of());
      Router router = api.router(settings);
      Set<String> served = new TreeSet<>();
      router.getRoutes().stream()
          // routes for any method (no methods() of their own) are the guards (authentication, admin
          // checks) and the docs page's static files (ApiDocs); OpenApiTest names each of them
          .filter(r -> r.getPath() != null && r.methods() != null && !r.methods().isEmpty())
          .forEach(r -> r.methods().forEach(m -> served.add(m.name() + " " + r.getPath())));
      Set<String> tabled = MATRIX.stream().map(row -> row.route().method + " " + row.route().routerPath)
          .collect(Collectors.toCollection(TreeSet::new));
      assertThat(tabled).as("routes in the matrix vs routes the router serves").isEqualTo(served);
    } finally {
      TestNode.await(scratch.close());
    }
    System.out.printf("AuthorizationMatrixTest: %d cells%n", MATRIX.size() * Caller.values().length);
  }

  // ---------------------------------------------------------------- one cell

  private static void cell(Route route, Caller caller, Expect expect) throws Exception {
    cellsRun++;
    long job = switch (route.job) {
      case NONE -> 0;
      case SHARED -> sharedJob;
      case FRESH_RUNNING -> runningJob();
      case FRESH_DONE -> finishedJob(List.of(origin.url("/page/purge-" + caller.name().toLowerCase())));
    };
    String userName = "matrix-made-by-" + caller.name().toLowerCase();
    if (route == Route.DELETE_USER) {
      victim = node.admin().postJson("/v1/users", new JsonObject().put("name", "matrix-victim-" + caller.name()
          .toLowerCase())).json().getLong("id");
    }
    if (route == Route.REVOKE_KEY) {
      freshKey = node.admin().post("/v1/users/" + ownerId + "/keys", "application/json", "").json().getLong("id");
    }
    long jobsBefore = jobCount();
    try {
      ApiClient.Response r = call(route, caller, path(route, job), userName);
      assertThat(r.status()).as("%s as %s: expected %s, got %d %s", route.label(), caller.label, expect, r.status(),
          abbreviate(r.body())).isIn(expect.statuses());
      if (r.status() >= 400) {
        assertError(r, r.status(), errorCode(route, r.status()));
        refusedChangedNothing(route, caller, job, jobsBefore, userName);
        // a screenshot the owner's unrendered job never had is an answer about the record, not a refusal
        boolean answered = route == Route.PAGE_SCREENSHOT && (caller == Caller.OWNER || caller == Caller.ADMIN);
        if (route.job != JobUse.NONE && !answered) {
          sameAsForAMissingJob(route, caller, job, r, userName);
        }
      } else {
        succeeded(route, caller, job, r, jobsBefore);
      }
    } finally {
      if (route.job == JobUse.FRESH_RUNNING) {
        owner.delete("/v1/jobs/" + job); // cleanup: the slow job stops holding a fetcher
      }
      if (route == Route.REVOKE_KEY) {
        node.admin().delete("/v1/users/" + ownerId + "/keys/" + freshKey); // cleanup: the owner keeps one key
      }
    }
  }

  private static String errorCode(Route route, int status) {
    return switch (status) {
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 409 -> route == Route.PROFILE ? "profile_running" : "conflict";
      default -> throw new AssertionError("no error code expected for " + status);
    };
  }

  /** A refusal did nothing: no job, no user, no profile, and the job it named is as it was. */
  private static void refusedChangedNothing(Route route, Caller caller, long job, long jobsBefore, String userName)
      throws Exception {
    switch (route) {
      case CREATE_JOB -> assertThat(jobCount()).as("a refused POST /v1/jobs creates no job").isEqualTo(jobsBefore);
      case CREATE_USER -> assertThat(userNames()).as("a refused POST /v1/users creates no user")
          .doesNotContain(userName);
      case PROFILE -> {
        if (caller != Caller.ADMIN) {
          assertNoProfileRunning();
        }
      }
      case DELETE_USER -> assertThat(node.admin().get("/v1/users/" + victim).status())
          .as("a refused delete leaves the user").isEqualTo(200);
      case REVOKE_KEY -> assertThat(keyIds()).as("a refused revoke leaves the key").contains(freshKey);
      case ADD_KEY -> assertThat(keyIds()).as("a refused POST adds no key").hasSize(1);
      case CANCEL_JOB -> assertThat(owner.get("/v1/jobs/" + job).json().getString("state"))
          .as("the owner's job after a refused cancel").isIn("queued", "running");
      case PURGE_JOB -> {
        ApiClient.Response still = owner.get("/v1/jobs/" + job);
        assertThat(still.status()).as("the owner's job after a refused purge").isEqualTo(200);
        assertThat(still.json().getString("state")).isEqualTo("done");
        assertThat(owner.get("/v1/jobs/" + job + "/results").ndjson()).as("its records are kept").hasSize(1);
      }
      default -> { }
    }
  }

  /**
   * A refusal on a job route says nothing about that job: the same request for a job id that does
   * not exist gets the same status, code and (ids aside) message.
   */
  private static void sameAsForAMissingJob(Route route, Caller caller, long job, ApiClient.Response seen,
      String userName) {
    long missing = job + 1_000_000;
    ApiClient.Response absent = call(route, caller, path(route, missing), userName);
    assertThat(absent.status()).as("%s as %s for a missing job: %s", route.label(), caller.label, absent.body())
        .isEqualTo(seen.status());
    JsonObject a = new JsonObject(seen.body());
    JsonObject b = new JsonObject(absent.body());
    assertThat(b.getString("error")).isEqualTo(a.getString("error"));
    assertThat(b.getString("message").replace(String.valueOf(missing), "N"))
        .as("the refusal for job %d and for missing job %d look the same", job, missing)
        .isEqualTo(a.getString("message").replace(String.valueOf(job), "N"));
  }

  /** What a successful answer holds, briefly: enough to know the route really served the caller. */
  private static void succeeded(Route route, Caller caller, long job, ApiClient.Response r, long jobsBefore)
      throws Exception {
    switch (route) {
      case CREATE_JOB -> {
        assertThat(r.header("Location")).isEqualTo("/v1/jobs/" + r.json().getLong("id"));
        assertThat(jobCount()).isEqualTo(jobsBefore + 1);
      }
      case LIST_JOBS -> {
        List<Long> ids = r.json().getJsonArray("jobs").stream().map(j -> ((JsonObject) j).getLong("id")).toList();
        if (caller == Caller.OTHER) {
          assertThat(ids).as("another user's list does not show the owner's job").doesNotContain(sharedJob);
        } else {
          assertThat(ids).as("%s's list shows the owner's job", caller.label).contains(sharedJob);
        }
      }
      case GET_JOB -> {
        assertThat(r.json().getLong("id")).isEqualTo(job);
        assertThat(r.json().getString("state")).isEqualTo("done");
      }
      case CANCEL_JOB -> {
        assertThat(r.json().getString("state")).isEqualTo("cancelled");
        assertThat(owner.get("/v1/jobs/" + job).json().getString("state")).isEqualTo("cancelled");
      }
      case PURGE_JOB -> {
        assertThat(r.json().getBoolean("purged")).isTrue();
        assertThat(r.json().getLong("records")).isEqualTo(1);
        assertThat(owner.get("/v1/jobs/" + job).status()).as("the purged job is gone").isEqualTo(404);
      }
      case RESULTS -> assertThat(r.ndjson()).extracting(x -> x.getString("url"))
          .containsExactlyInAnyOrderElementsOf(sharedUrls);
      case PAGE -> assertThat(r.json().getLong("cursor")).isEqualTo(sharedCursor);
      case PAGE_BODY -> assertThat(r.body()).contains("<title>Page matrix");
      case WARC -> assertThat(r.header("Content-Type")).isEqualTo("application/warc");
      case CDX -> assertThat(r.body().lines().count()).as("one index line per record, at least")
          .isGreaterThanOrEqualTo(2);
      case EVENTS -> assertThat(r.header("Content-Type")).startsWith("text/event-stream");
      case FETCH -> assertThat(r.json().getInteger("status")).isEqualTo(200);
      case LIST_USERS -> assertThat(r.json().getJsonArray("users").stream()
          .map(u -> ((JsonObject) u).getString("name")))
          .contains("matrix-owner", "matrix-other", "matrix-scraper");
      case CREATE_USER -> assertThat(r.json().getString("key")).startsWith("fb_");
      case ME -> assertThat(r.json().getString("name")).isEqualTo(switch (caller) {
        case OTHER -> "matrix-other";
        case OWNER -> "matrix-owner";
        default -> "admin";
      });
      case GET_USER -> assertThat(r.json().getString("name")).isEqualTo("matrix-owner");
      case PATCH_USER -> assertThat(r.json().getBoolean("disabled")).isFalse();
      case DELETE_USER -> {
        assertThat(r.json().getBoolean("deleted")).isTrue();
        assertThat(node.admin().get("/v1/users/" + victim).status()).as("the deleted user is gone").isEqualTo(404);
      }
      case ADD_KEY -> {
        assertThat(r.json().getString("key")).startsWith("fb_");
        assertThat(node.withKey(r.json().getString("key")).get("/v1/me").status()).isEqualTo(200);
        node.admin().delete("/v1/users/" + ownerId + "/keys/" + r.json().getLong("id")); // the owner keeps one key
      }
      case REVOKE_KEY -> {
        assertThat(r.json().getBoolean("revoked")).isTrue();
        assertThat(keyIds()).doesNotContain(freshKey);
      }
      case PROFILE -> assertThat(r.json().getInteger("seconds")).isEqualTo(1);
      case METRICS -> assertThat(r.body()).contains("fetchbus_");
      case OPS_STATS -> assertThat(r.header("Content-Type")).startsWith("application/json");
      case OPS_JOB -> assertThat(r.json().getJsonObject("outcomes").getLong("ok")).isPositive();
      case DASHBOARD -> assertThat(r.header("Content-Type")).startsWith("text/html");
      case HEALTH -> assertThat(r.json().getString("status")).isEqualTo("up");
      case READY -> assertThat(r.json().getString("status")).isEqualTo("ready");
      case OPENAPI -> assertThat(r.json().getString("openapi")).startsWith("3.1.");
      case API_DOCS -> assertThat(r.header("Content-Type")).startsWith("text/html");
    }
  }

  // ---------------------------------------------------------------- requests

  private static String path(Route route, long job) {
    return route.path.replace("{job}", String.valueOf(job))
        .replace("{owner}", String.valueOf(ownerId))
        .replace("{victim}", String.valueOf(victim))
        .replace("{key}", String.valueOf(freshKey))
        .replace("{cursor}", String.valueOf(sharedCursor))
        .replace("{url}", URLEncoder.encode(origin.url("/page/matrix-fetch"), StandardCharsets.UTF_8));
  }

  private static ApiClient.Response call(Route route, Caller caller, String path, String userName) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
        .timeout(Duration.ofSeconds(60));
    String key = KEYS.get(caller);
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    String body = switch (route) {
      case CREATE_JOB -> origin.url("/page/created-by-" + caller.name().toLowerCase()) + "\n";
      case CREATE_USER -> new JsonObject().put("name", userName).encode();
      case PATCH_USER -> new JsonObject().put("disabled", false).encode();
      default -> null;
    };
    if (body != null) {
      request.header("Content-Type", route == Route.CREATE_JOB ? "text/plain" : "application/json");
    }
    request.method(route.method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<InputStream> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        // an event stream that opened is not read: its status line and headers are the answer
        String text = route == Route.EVENTS && r.statusCode() == 200 ? ""
            : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return new ApiClient.Response(r.statusCode(), r.headers(), text);
      }
    } catch (IOException e) {
      throw new IllegalStateException(route.label() + " as " + caller.label, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- fixtures

  private static String newKey(String name, String role) {
    ApiClient.Response r = node.admin().postJson("/v1/users", new JsonObject().put("name", name).put("role", role));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("key");
  }

  /** A small job of the owner's against the loopback origin, waited for until done. */
  private static long finishedJob(List<String> urls) {
    long id = owner.submit(urls, null).getLong("id");
    owner.awaitState(id, "done", Duration.ofSeconds(60));
    return id;
  }

  /** A job of the owner's that stays running for many seconds: slow pages, one at a time. */
  private static long runningJob() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<String> urls =
        IntStream.range(0, 3).mapToObj(i -> slowOrigin.url("/slow/4000?run=" + run + "&n=" + i)).toList();
    return owner.submit(urls, "hostConcurrency=1").getLong("id");
  }

  private static void assertNoProfileRunning() {
    assertThat(node.vertx().sharedData().<String, Boolean>getLocalMap(PROFILER_LOCK).isEmpty())
        .as("no profile holds the node's profiler").isTrue();
    if (FlightRecorder.isInitialized()) {
      assertThat(FlightRecorder.getFlightRecorder().getRecordings())
          .as("no JFR recording was started")
          .noneSatisfy(rec -> {
            assertThat(rec.getName()).isEqualTo("fetchbus-profile");
            assertThat(rec.getState()).isIn(RecordingState.NEW, RecordingState.DELAYED, RecordingState.RUNNING);
          });
    }
  }

  private static List<Long> keyIds() {
    return node.admin().get("/v1/users/" + ownerId).json().getJsonArray("keys").stream()
        .map(k -> ((JsonObject) k).getLong("id")).toList();
  }

  private static long jobCount() throws Exception {
    try (Connection conn = TestDatabase.connect(node.databaseUrl()); Statement st = conn.createStatement();
        ResultSet rows = st.executeQuery("select count(*) from jobs")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static Set<String> userNames() throws Exception {
    Set<String> names = new LinkedHashSet<>();
    try (Connection conn = TestDatabase.connect(node.databaseUrl()); Statement st = conn.createStatement();
        ResultSet rows = st.executeQuery("select name from users")) {
      while (rows.next()) {
        names.add(rows.getString(1));
      }
    }
    return names;
  }

  // ---------------------------------------------------------------- the table's notation

  private static Row row(Route route, Object... cells) {
    return new Row(route, Arrays.stream(cells)
        .map(c -> c instanceof Expect e ? e : new Expect(Set.of((Integer) c)))
        .toList());
  }

  private static Expect either(int... statuses) {
    return new Expect(Arrays.stream(statuses).boxed().collect(Collectors.toCollection(LinkedHashSet::new)));
  }

  /** The start of a body for a failure message; binary bodies (a WARC) only by their length. */
  private static String abbreviate(String body) {
    if (body.chars().anyMatch(c -> c == 0xFFFD || (c < 0x20 && c != '\n' && c != '\r' && c != '\t'))) {
      return "<" + body.length() + " characters of binary>";
    }
    return body.length() <= 300 ? body : body.substring(0, 300) + "…";
  }
}
