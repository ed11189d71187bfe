package dev.fetchbus.bridge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * The bridge acts through this node's own HTTP API, on loopback, with the caller's key: every
 * action is authorised, validated and limited exactly as the same HTTP call would be, by the same
 * code. A call that the API refuses fails with a {@link ReplyException} whose code is the HTTP
 * status and whose message is the API's JSON error, which the bridge hands to the client as is.
 */
final class ApiCalls {
  private final HttpClient http;
  private final int port;

  ApiCalls(Vertx vertx, int port) {
    this.http = vertx.createHttpClient();
    this.port = port;
  }

  Future<JsonObject> call(HttpMethod method, String path, String authorization, JsonObject body) {
    RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(port).setMethod(method).setURI(path)
        .putHeader("Authorization", authorization == null ? "" : authorization);
    if (body != null) {
      options.putHeader("Content-Type", "application/json");
    }
    return http.request(options)
        .compose(request -> body == null ? request.send() : request.send(body.toBuffer()))
        .compose(response -> response.body().compose(bytes -> answer(response, bytes)));
  }

  private static Future<JsonObject> answer(HttpClientResponse response, Buffer bytes) {
    if (response.statusCode() / 100 == 2) {
      return Future.succeededFuture(bytes.length() == 0 ? new JsonObject() : bytes.toJsonObject());
    }
    String error = bytes.length() > 0 ? bytes.toString()
        : new JsonObject().put("error", "http_" + response.statusCode()).encode();
    return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, response.statusCode(), error));
  }
}
