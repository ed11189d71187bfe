package dev.fetchbus.bridge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * What a bridge client may ask for, one address each (docs/event-bus.md): submit a job, cancel one,
 * fetch one page through the single-flight cache. Each is the matching HTTP call, made with the key
 * the client sent in the message's {@code authorization} header; its answer, or its error, is the reply.
 */
final class BridgeActions {
  static final String SUBMIT = "fetchbus.bridge.submit";
  static final String CANCEL = "fetchbus.bridge.cancel";
  static final String FETCH = "fetchbus.bridge.fetch";
  static final List<String> ADDRESSES = List.of(SUBMIT, CANCEL, FETCH);

  private final ApiCalls api;

  BridgeActions(ApiCalls api) {
    this.api = api;
  }

  /** Node-local consumers: a bridge client's message is handled by the node it is connected to. */
  List<MessageConsumer<JsonObject>> register(Vertx vertx) {
    return List.of(
        vertx.eventBus().localConsumer(SUBMIT, m -> answer(m, this::submit)),
        vertx.eventBus().localConsumer(CANCEL, m -> answer(m, this::cancel)),
        vertx.eventBus().localConsumer(FETCH, m -> answer(m, this::fetch)));
  }

  private Future<JsonObject> submit(Message<JsonObject> m) {
    JsonObject body = m.body() == null ? new JsonObject() : m.body();
    return api.call(HttpMethod.POST, "/v1/jobs", auth(m), body);
  }

  private Future<JsonObject> cancel(Message<JsonObject> m) {
    return api.call(HttpMethod.DELETE, "/v1/jobs/" + job(m), auth(m), null);
  }

  private Future<JsonObject> fetch(Message<JsonObject> m) {
    String url = m.body() == null ? "" : m.body().getString("url", "");
    return api.call(HttpMethod.GET, "/v1/fetch?url=" + URLEncoder.encode(url, StandardCharsets.UTF_8), auth(m), null);
  }

  static String auth(Message<?> m) {
    return m.headers().get("authorization");
  }

  /** The job id of a cancel, as a path segment: a non-number reaches the API as one and gets its 404. */
  private static String job(Message<JsonObject> m) {
    Object job = m.body() == null ? null : m.body().getValue("job");
    return URLEncoder.encode(String.valueOf(job), StandardCharsets.UTF_8);
  }

  private static void answer(Message<JsonObject> m, Function<Message<JsonObject>, Future<JsonObject>> action) {
    Future<JsonObject> answer;
    try {
      answer = action.apply(m);
    } catch (ClassCastException | IllegalStateException e) {
      answer = Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 400,
          error("bad_request", "The message body must be a JSON object")));
    }
    answer.onSuccess(m::reply).onFailure(err -> {
      if (err instanceof ReplyException refused) {
        m.fail(refused.failureCode(), refused.getMessage());
      } else {
        m.fail(503, error("unavailable", "The node's API did not answer: " + err.getMessage()));
      }
    });
  }

  static String error(String code, String message) {
    return new JsonObject().put("error", code).put("message", message).encode();
  }
}
