package dev.fetchbus.api;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The API's description, for anyone: {@code GET /openapi.json} (the hand-written OpenAPI 3.1
 * document, {@code src/main/resources/openapi/openapi.json}; {@code OpenApiTest} keeps it in step
 * with the router) and {@code GET /docs/api}, a page that renders it with Swagger UI. Swagger UI's
 * files come from its webjar on the classpath, so the page needs no CDN and works offline; its
 * script starts from a file of ours, so the page's Content-Security-Policy allows no inline script.
 */
final class ApiDocs {
  static final String DOCUMENT = "openapi/openapi.json";
  static final String PAGE = "openapi/index.html";
  /** Swagger UI's files, under {@code /docs/api/swagger-ui/}: the webjar's version directory. */
  static final String SWAGGER_UI = "/docs/api/swagger-ui/";
  /** Our start-up script, under {@code /docs/api/assets/}. */
  static final String ASSETS = "/docs/api/assets/";
  private static final String WEBJAR_POM = "META-INF/maven/org.webjars/swagger-ui/pom.properties";
  /**
   * Scripts, styles and images from this origin only; inline styles and data: images because
   * Swagger UI sets styles on elements and draws its icons as data: SVG; fetches (the document,
   * "Try it out") to this origin only.
   */
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      + "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
      + "frame-ancestors 'none'";

  private ApiDocs() {}

  /** Mounts the routes; before the /v1 authentication, as none of them needs a key. */
  static void mount(Router router) {
    router.get("/openapi.json").handler(ctx -> send(ctx, DOCUMENT, "application/json"));
    router.get("/docs/api").handler(ctx -> {
      ctx.response().putHeader("Content-Security-Policy", CSP).putHeader("X-Content-Type-Options", "nosniff");
      send(ctx, PAGE, "text/html; charset=utf-8");
    });
    router.route(SWAGGER_UI + "*").handler(StaticHandler.create(swaggerUiRoot()));
    router.route(ASSETS + "*").handler(StaticHandler.create("openapi/assets"));
  }

  private static void send(RoutingContext ctx, String resource, String contentType) {
    ctx.response().putHeader("Content-Type", contentType).putHeader("Cache-Control", "no-cache")
        .sendFile(resource)
        .onFailure(ctx::fail);
  }

  /**
   * Where the webjar keeps its files: {@code META-INF/resources/webjars/swagger-ui/<version>}, the
   * version read from the webjar itself, so that pom.xml alone names it.
   */
  static String swaggerUiRoot() {
    try (InputStream in = ApiDocs.class.getClassLoader().getResourceAsStream(WEBJAR_POM)) {
      if (in == null) {
        throw new IllegalStateException("The swagger-ui webjar is not on the classpath (" + WEBJAR_POM + ")");
      }
      Properties pom = new Properties();
      pom.load(in);
      return "META-INF/resources/webjars/swagger-ui/" + pom.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
