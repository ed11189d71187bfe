package dev.fetchbus.api;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/** Reads a whole request body, refusing (413) one larger than the cap instead of buffering it. */
final class CappedBody {
  private CappedBody() {}

  static Future<Buffer> read(HttpServerRequest request, int maxBytes) {
    String declared = request.getHeader("Content-Length");
    if (declared != null && declared.matches("\\d{1,18}") && Long.parseLong(declared) > maxBytes) {
      return Future.failedFuture(tooLarge(maxBytes));
    }
    Promise<Buffer> body = Promise.promise();
    Buffer data = Buffer.buffer();
    request.handler(chunk -> {
      if (data.length() + chunk.length() > maxBytes) {
        body.tryFail(tooLarge(maxBytes));
      } else if (!body.future().isComplete()) {
        data.appendBuffer(chunk);
      }
    });
    request.exceptionHandler(body::tryFail);
    request.endHandler(end -> body.tryComplete(data));
    request.resume();
    return body.future();
  }

  private static ApiError tooLarge(int maxBytes) {
    return ApiError.tooLarge("The JSON body is larger than " + maxBytes
        + " bytes; send large URL lists as text/plain, which is streamed");
  }
}
