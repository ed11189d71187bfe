package dev.fetchbus.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.config.Settings;
import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document ({@code src/main/resources/openapi/openapi.json}, served at
 * {@code /openapi.json}) against the node: the routes the router registers and the operations the
 * document describes are the same set, both ways; the document is valid OpenAPI 3.1 (Vert.x's
 * OpenAPI parser, against the 3.1 schema); which operations need a key is what the server does;
 * real answers match the schemas the document gives them; and {@code /docs/api} renders it with
 * Swagger UI from its webjar.
 */
@DisplayName("OpenAPI: /openapi.json describes every route, and /docs/api renders it")
class OpenApiTest {

  /**
   * The routes the router registers that are not operations: handlers for any method, which run
   * before (or instead of) the operations. Named one by one, so a new one must be added here on
   * purpose; a route for one method is an operation and must be in the document.
   */
  private static final Set<String> NOT_OPERATIONS = Set.of(
      "* /v1/",                  // Auth::authenticate: the key check of every /v1 route
      "* /v1/users",             // Auth::requireAdmin in front of GET and POST /v1/users
      "* /v1/admin/",            // Auth.adminOnly in front of every /v1/admin route
      "* /docs/api/swagger-ui/", // StaticHandler: Swagger UI's files from the webjar (ApiDocs)
      "* /docs/api/assets/",     // StaticHandler: the docs page's own script (ApiDocs)
      "* /ops/webjars/",         // StaticHandler: SockJS's client for the dashboard, from its webjar (OpsRoutes)
      "* /ops/eventbus/",        // the SockJS event-bus bridge that feeds the dashboard (StatsBus; docs/operations.md)
      "* (no path)");            // ErrorResponses::handle, the failure handler of every route

  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch",
      "trace");
  private static final Pattern VERTX_PARAM = Pattern.compile(":([A-Za-z0-9_]+)");
  private static final Pattern TEMPLATE_PARAM = Pattern.compile("\\{([^}]+)}");
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private static OriginServer origin;
  private static TestNode node;
  private static JsonObject document;

  @BeforeAll
  static void start() {
    origin = OriginServer.start();
    node = TestNode.start();
    ApiClient.Response r = node.anonymous().get("/openapi.json");
    assertThat(r.status()).as("GET /openapi.json without a key: %s", r.body()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    document = r.json();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  // ---------------------------------------------------------------- the router and the document

  @Test
  @DisplayName("every route the router registers is an operation in the document, and every operation a route")
  void routesAndDocumentAgree() {
    Set<String> served = new TreeSet<>();
    Set<String> handlersOnly = new TreeSet<>();
    Vertx scratch = Vertx.vertx();
    try {
      for (Route route : router(scratch).getRoutes()) {
        String path = route.getPath() == null ? "(no path)" : openApiPath(route.getPath());
        if (route.methods() == null || route.methods().isEmpty()) {
          handlersOnly.add("* " + path);
        } else {
          route.methods().forEach(m -> served.add(m.name() + " " + path));
        }
      }
    } finally {
      TestNode.await(scratch.close());
    }
    Set<String> documented = new TreeSet<>();
    paths().forEach(e -> METHODS.stream().filter(((JsonObject) e.getValue())::containsKey)
        .forEach(m -> documented.add(m.toUpperCase() + " " + e.getKey())));

    assertThat(handlersOnly).as("routes for any method: guards, static files and the failure handler only")
        .isEqualTo(new TreeSet<>(NOT_OPERATIONS));
    Set<String> undocumented = new TreeSet<>(served);
    undocumented.removeAll(documented);
    Set<String> unserved = new TreeSet<>(documented);
    unserved.removeAll(served);
    assertThat(undocumented).as("routes the router serves that openapi.json does not describe").isEmpty();
    assertThat(unserved).as("operations in openapi.json that no route serves").isEmpty();
    assertThat(served).hasSizeGreaterThanOrEqualTo(27);
  }

  /** The router exactly as a node builds it (nothing connects), as AuthorizationMatrixTest builds it. */
  private static Router router(Vertx scratch) {
    ApiVerticle api = new ApiVerticle();
    api.init(scratch, scratch.getOrCreateContext());
    Settings settings = Settings.load(new JsonObject()
        .put("http", new JsonObject().put("port", TestNode.freePort()).put("host", "127.0.0.1"))
        .put("pg", new JsonObject().put("url", node.databaseUrl()))
        .put("admin", new JsonObject().put("key", TestNode.ADMIN_KEY)), Map.of());
    return api.router(settings);
  }

  /** {@code /v1/jobs/:id} as OpenAPI writes it: {@code /v1/jobs/{id}}. */
  private static String openApiPath(String vertxPath) {
    return VERTX_PARAM.matcher(vertxPath).replaceAll("{$1}");
  }

  // ---------------------------------------------------------------- a valid OpenAPI 3.1 document

  @Test
  @DisplayName("the document is valid OpenAPI 3.1: the 3.1 schema, and Vert.x's OpenAPI parser builds it")
  void validOpenApi31() {
    assertThat(document.getString("openapi")).matches("3\\.1\\.\\d+");
    assertThat(document.getJsonObject("info").getString("title")).isNotBlank();
    assertThat(document.getJsonObject("info").getString("version")).isNotBlank();
    assertThat(document.getJsonObject("paths")).isNotEmpty();

    Vertx vertx = Vertx.vertx();
    try {
      // the whole document, unchanged, against the OpenAPI 3.1 schema (the one vertx-openapi ships)
      OpenAPIVersion version = OpenAPIVersion.fromContract(document);
      assertThat(version).isEqualTo(OpenAPIVersion.V3_1);
      SchemaRepository repository = TestNode.await(version.getRepository(vertx, "app://"));
      OutputUnit result = TestNode.await(version.validateContract(vertx, repository, document));
      assertThat(result.getValid()).as(() -> "validation against the OpenAPI 3.1 schema: " + result.getErrors().stream()
          .map(e -> e.getInstanceLocation() + ": " + e.getError()).distinct().toList()).isTrue();
      // and parsed into operations, every $ref resolved (see parsable() for what it leaves out)
      OpenAPIContract contract = TestNode.await(OpenAPIContract.from(vertx, parsable(document)));
      assertThat(contract.operations()).hasSize(operationCount());
    } finally {
      TestNode.await(vertx.close());
    }
  }

  @Test
  @DisplayName("every $ref resolves, operation ids are unique, and every path parameter is declared where it is used")
  void referencesAndParameters() {
    List<String> refs = new ArrayList<>();
    walk(document, value -> {
      if (value instanceof JsonObject o && o.containsKey("$ref")) {
        refs.add(o.getString("$ref"));
      }
    });
    assertThat(refs).isNotEmpty().allSatisfy(ref -> {
      assertThat(ref).as("a local reference").startsWith("#/");
      assertThat(JsonPointer.from(ref.substring(1)).queryJson(document)).as("%s resolves", ref).isNotNull();
    });

    Set<String> operationIds = new TreeSet<>();
    paths().forEach(path -> {
      JsonObject item = (JsonObject) path.getValue();
      Set<String> inTemplate = new TreeSet<>();
      Matcher m = TEMPLATE_PARAM.matcher(path.getKey());
      while (m.find()) {
        inTemplate.add(m.group(1));
      }
      for (String method : METHODS) {
        if (!item.containsKey(method)) {
          continue;
        }
        JsonObject operation = item.getJsonObject(method);
        String where = method.toUpperCase() + " " + path.getKey();
        assertThat(operationIds.add(operation.getString("operationId"))).as("%s has a unique operationId", where)
            .isTrue();
        assertThat(operation.getJsonObject("responses")).as("%s has responses", where).isNotEmpty();
        Set<String> declared = new TreeSet<>();
        JsonArray parameters = item.getJsonArray("parameters", new JsonArray()).copy()
            .addAll(operation.getJsonArray("parameters", new JsonArray()));
        for (int i = 0; i < parameters.size(); i++) {
          JsonObject parameter = resolve(parameters.getJsonObject(i));
          if ("path".equals(parameter.getString("in"))) {
            assertThat(parameter.getBoolean("required")).as("%s: path parameter %s is required", where,
                parameter.getString("name")).isTrue();
            declared.add(parameter.getString("name"));
          }
        }
        assertThat(declared).as("%s: path parameters declared vs in the template", where).isEqualTo(inTemplate);
      }
    });
  }

  @Test
  @DisplayName("every error response is JSON of the one shared Error schema")
  void errorsShareOneSchema() {
    paths().forEach(path -> METHODS.stream().filter(((JsonObject) path.getValue())::containsKey).forEach(method -> {
      JsonObject responses = ((JsonObject) path.getValue()).getJsonObject(method).getJsonObject("responses");
      responses.fieldNames().stream().filter(status -> status.matches("[45]\\d\\d")).forEach(status -> {
        JsonObject response = resolve(responses.getJsonObject(status));
        JsonObject content = response.getJsonObject("content");
        String where = method.toUpperCase() + " " + path.getKey() + " " + status;
        assertThat(content).as(where).isNotNull();
        if (status.equals("503") && path.getKey().equals("/ready")) {
          return; // not an error of the API: the readiness report, 503 while not ready
        }
        assertThat(content.fieldNames()).as(where).containsExactly("application/json");
        assertThat(content.getJsonObject("application/json").getJsonObject("schema").getString("$ref")).as(where)
            .isEqualTo("#/components/schemas/Error");
      });
    }));
  }

  @Test
  @DisplayName("the operations the document marks public answer without a key; every other one answers 401")
  void securityIsWhatTheServerDoes() {
    JsonArray global = document.getJsonArray("security");
    assertThat(global).isEqualTo(new JsonArray().add(new JsonObject().put("bearerAuth", new JsonArray())));
    JsonObject scheme =
        document.getJsonObject("components").getJsonObject("securitySchemes").getJsonObject("bearerAuth");
    assertThat(scheme.getString("type")).isEqualTo("http");
    assertThat(scheme.getString("scheme")).isEqualTo("bearer");
    paths().forEach(path -> METHODS.stream().filter(((JsonObject) path.getValue())::containsKey).forEach(method -> {
      JsonObject operation = ((JsonObject) path.getValue()).getJsonObject(method);
      boolean open = operation.getJsonArray("security", global).isEmpty();
      String url = TEMPLATE_PARAM.matcher(path.getKey()).replaceAll("1");
      int status = send(method.toUpperCase(), url);
      String where = method.toUpperCase() + " " + path.getKey() + " without a key";
      if (open) {
        assertThat(status).as(where).isEqualTo(200);
      } else {
        assertThat(status).as(where).isEqualTo(401);
      }
    }));
  }

  // ---------------------------------------------------------------- real answers against their schemas

  @Test
  @DisplayName("real answers of the JSON operations match the schemas the document declares for them")
  void answersMatchTheirSchemas() {
    Vertx vertx = Vertx.vertx();
    try {
      OpenAPIContract contract = TestNode.await(OpenAPIContract.from(vertx, parsable(document)));
      ResponseValidator validator = ResponseValidator.create(vertx, contract);
      ApiClient admin = node.admin();

      described(validator, "health", node.anonymous().get("/health"));
      described(validator, "ready", node.anonymous().get("/ready"));
      described(validator, "opsStats", admin.get("/ops/stats"));
      described(validator, "opsStats", node.anonymous().get("/ops/stats"));

      ApiClient.Response created = admin.postJson("/v1/users", new JsonObject().put("name", "openapi-user"));
      described(validator, "createUser", created);
      long userId = created.json().getLong("id");
      ApiClient user = node.withKey(created.json().getString("key"));
      described(validator, "createUser", admin.postJson("/v1/users", new JsonObject().put("name", "openapi-user")));
      described(validator, "createUser", admin.post("/v1/users", "text/plain", "x"));
      described(validator, "createUser", admin.postJson("/v1/users", new JsonObject().put("name", "a b")));
      described(validator, "createUser", user.postJson("/v1/users", new JsonObject().put("name", "x")));
      described(validator, "listUsers", admin.get("/v1/users"));
      described(validator, "getMe", user.get("/v1/me"));
      described(validator, "getMe", node.anonymous().get("/v1/me"));
      described(validator, "getUser", admin.get("/v1/users/" + userId));
      described(validator, "getUser", user.get("/v1/users/" + (userId + 1000)));
      described(validator, "patchUser", admin.patchJson("/v1/users/" + userId, new JsonObject()
          .put("limits", new JsonObject().put("activeJobs", 5).put("requestsPerSecond", null))));
      ApiClient.Response key = user.post("/v1/users/" + userId + "/keys", "application/json", "");
      described(validator, "addUserKey", key);
      described(validator, "revokeUserKey", user.delete("/v1/users/" + userId + "/keys/" + key.json().getLong("id")));

      // a URL list job with a callback, and one line that is not a URL
      JsonObject list = new JsonObject().put("urls", new JsonArray().add(origin.url("/page/oa1"))
          .add(origin.url("/page/oa2")).add("htp:/nope"));
      ApiClient.Response job = user.post("/v1/jobs?callback=" + URLEncoder.encode(origin.url("/page/hook"),
          StandardCharsets.UTF_8), "application/json", list.encode());
      described(validator, "createJob", job);
      long jobId = job.json().getLong("id");
      user.awaitState(jobId, "done", Duration.ofSeconds(60));
      described(validator, "getJob", user.get("/v1/jobs/" + jobId));
      described(validator, "getJob", user.get("/v1/jobs/" + (jobId + 1000)));
      described(validator, "listJobs", user.get("/v1/jobs?limit=1"));
      described(validator, "listJobs", user.get("/v1/jobs?state=sleeping"));
      long cursor = user.get("/v1/jobs/" + jobId + "/results").ndjson().get(0).getLong("cursor");
      described(validator, "getPageRecord", user.get("/v1/jobs/" + jobId + "/pages/" + cursor));
      described(validator, "exportResults", user.get("/v1/jobs/" + jobId + "/results?format=xml"));
      described(validator, "createJob", user.post("/v1/jobs", "application/xml", "<urls/>"));
      described(validator, "createJob", user.postJson("/v1/jobs", new JsonObject().put("urls", new JsonArray())
          .put("options", new JsonObject().put("speed", 11))));
      described(validator, "deleteJob", user.delete("/v1/jobs/" + jobId));
      described(validator, "deleteJob", user.delete("/v1/jobs/" + jobId + "?purge=true"));

      // a crawl, cancelled while its slow seed is fetched
      ApiClient.Response crawl = user.postJson("/v1/jobs", new JsonObject().put("kind", "crawl")
          .put("seeds", new JsonArray().add(origin.url("/slow/3000")))
          .put("limits", new JsonObject().put("maxPages", 1)));
      described(validator, "createJob", crawl);
      described(validator, "deleteJob", user.delete("/v1/jobs/" + crawl.json().getLong("id")));

      described(validator, "fetchUrl", user.get("/v1/fetch?url="
          + URLEncoder.encode(origin.url("/page/oa-fetch"), StandardCharsets.UTF_8)));
      described(validator, "fetchUrl", user.get("/v1/fetch?url=nope"));
      described(validator, "profileNode", admin.post("/v1/admin/profile?seconds=1", null, ""));
      described(validator, "profileNode", admin.post("/v1/admin/profile?seconds=0", null, ""));
      described(validator, "deleteUser", admin.delete("/v1/users/" + userId));
    } finally {
      TestNode.await(vertx.close());
    }
  }

  /** Asserts that the document describes this answer of {@code operationId}: its status, and its body's schema. */
  private static void described(ResponseValidator validator, String operationId, ApiClient.Response r) {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    r.headers().map().forEach((name, values) -> headers.put(name, values.get(0)));
    ValidatableResponse response = ValidatableResponse.create(r.status(), headers, Buffer.buffer(r.body()),
        r.header("Content-Type"));
    try {
      TestNode.await(validator.validate(response, operationId));
    } catch (IllegalStateException e) {
      throw new AssertionError(operationId + " answered " + r.status() + " " + r.body()
          + "\nwhich the document does not describe: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- the docs page

  @Test
  @DisplayName("/docs/api is an HTML page that loads Swagger UI from the webjar and its own script, under a strict CSP")
  void docsPage() {
    ApiClient.Response page = node.anonymous().get("/docs/api");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.body()).contains("<div id=\"swagger-ui\">")
        .contains("src=\"/docs/api/swagger-ui/swagger-ui-bundle.js\"")
        .contains("src=\"/docs/api/assets/init.js\"")
        .doesNotContain("http://", "https://", "<script>");
    String csp = page.header("Content-Security-Policy");
    assertThat(csp).contains("default-src 'none'").contains("script-src 'self';").contains("connect-src 'self'");

    // everything the page loads is served, from this node
    Matcher links = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(page.body());
    int loaded = 0;
    while (links.find()) {
      ApiClient.Bytes asset = node.anonymous().getBytes(links.group(1));
      assertThat(asset.status()).as(links.group(1)).isEqualTo(200);
      assertThat(asset.body()).as(links.group(1)).isNotEmpty();
      loaded++;
    }
    assertThat(loaded).isEqualTo(4);

    ApiClient.Response init = node.anonymous().get("/docs/api/assets/init.js");
    assertThat(init.header("Content-Type")).contains("javascript");
    assertThat(init.body()).contains("SwaggerUIBundle(").contains("url: '/openapi.json'");
  }

  @Test
  @DisplayName("Swagger UI's bundle is served, byte for byte the webjar's")
  void webjarIsServed() throws IOException {
    ApiClient.Bytes bundle = node.anonymous().getBytes("/docs/api/swagger-ui/swagger-ui-bundle.js");
    assertThat(bundle.status()).isEqualTo(200);
    assertThat(bundle.header("Content-Type")).contains("javascript");
    String root = ApiDocs.swaggerUiRoot();
    assertThat(root).matches("META-INF/resources/webjars/swagger-ui/\\d+\\.\\d+\\.\\d+");
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(root + "/swagger-ui-bundle.js")) {
      assertThat(in).isNotNull();
      byte[] webjar = in.readAllBytes();
      assertThat(webjar.length).isGreaterThan(100_000);
      assertThat(bundle.body()).isEqualTo(webjar);
    }
    assertThat(node.anonymous().get("/docs/api/swagger-ui/no-such-file.js").status()).isEqualTo(404);
    assertThat(node.anonymous().get("/docs/api/swagger-ui/../../../openapi/openapi.json").status()).isNotEqualTo(200);
  }

  // ---------------------------------------------------------------- helpers

  /**
   * The document as Vert.x's OpenAPI parser (vertx-openapi 5.0.7) accepts it: that version models
   * only some media types (JSON, text/plain, octet-stream, multipart) and refuses a contract with
   * any other, so answers of other types (HTML, NDJSON, CSV, WARC, event streams, any body) are
   * left out of this copy. The whole, unchanged document is checked against the 3.1 schema.
   */
  private static JsonObject parsable(JsonObject document) {
    JsonObject copy = document.copy();
    walk(copy, value -> {
      if (value instanceof JsonObject o && o.getValue("content") instanceof JsonObject content) {
        content.fieldNames().removeIf(type -> !MediaType.isMediaTypeSupported(type));
        if (content.isEmpty()) {
          o.remove("content");
        }
      }
    });
    return copy;
  }

  private static int operationCount() {
    return (int) paths().stream()
        .mapToLong(e -> METHODS.stream().filter(((JsonObject) e.getValue())::containsKey).count())
        .sum();
  }

  private static List<Map.Entry<String, Object>> paths() {
    List<Map.Entry<String, Object>> entries = new ArrayList<>();
    document.getJsonObject("paths").forEach(entries::add);
    return entries;
  }

  /** A Reference Object's target, or the object itself. */
  private static JsonObject resolve(JsonObject maybeRef) {
    String ref = maybeRef.getString("$ref");
    return ref == null ? maybeRef : (JsonObject) JsonPointer.from(ref.substring(1)).queryJson(document);
  }

  /** Calls {@code visit} on every object and array in {@code json}, depth first (it may change them). */
  private static void walk(Object json, Consumer<Object> visit) {
    visit.accept(json);
    if (json instanceof JsonObject o) {
      new ArrayList<>(o.fieldNames()).forEach(name -> walk(o.getValue(name), visit));
    } else if (json instanceof JsonArray a) {
      a.forEach(item -> walk(item, visit));
    }
  }

  private static int send(String method, String path) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
        .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody()).build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
