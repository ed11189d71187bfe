package dev.fetchbus.api;

import dev.fetchbus.store.TooManyJobs;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place that turns failures into JSON error responses. 5xx are logged with their cause. */
final class ErrorResponses {
  private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

  private ErrorResponses() {}

  static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    ApiError error = toApiError(ctx.statusCode(), failure);
    if (error.status() >= 500) {
      log.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
    }
    send(ctx.response(), error);
  }

  static void send(HttpServerResponse response, ApiError error) {
    if (response.headWritten()) {
      // Streaming had begun: the status is gone, so the only honest signal left is a broken stream
      response.reset();
      return;
    }
    if (error.retryAfterSeconds() > 0) {
      response.putHeader("Retry-After", String.valueOf(error.retryAfterSeconds()));
    }
    response.setStatusCode(error.status())
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", error.code()).put("message", error.getMessage()).encode());
  }

  private static ApiError toApiError(int status, Throwable failure) {
    if (failure instanceof ApiError api) {
      return api;
    }
    if (failure instanceof TooManyJobs refused) {
      // the job's insert found the user's limits.activeJobs taken (jobs created at the same moment)
      return UserLimits.tooManyJobs(refused.limit());
    }
    if (failure instanceof DecodeException) {
      return new ApiError(400, "invalid_json", "The body is not valid JSON: " + failure.getMessage());
    }
    return switch (status) {
      case 400 -> ApiError.badRequest("Bad request");
      case 401 -> ApiError.unauthorized("Missing or invalid API key");
      case 403 -> ApiError.forbidden("Not allowed");
      case 404 -> ApiError.notFound("No such resource");
      case 405 -> new ApiError(405, "method_not_allowed", "Method not allowed on this resource");
      case 413 -> ApiError.tooLarge("Request body too large");
      case 415 -> ApiError.unsupportedMediaType("Unsupported content type");
      default -> new ApiError(500, "internal", "Internal error; the server log has the details");
    };
  }
}
