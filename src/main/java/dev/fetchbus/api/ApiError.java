package dev.fetchbus.api;

/** A failure the API reports to its client as {@code {"error": code, "message": ...}} with {@code status}. */
public final class ApiError extends RuntimeException {
  private final int status;
  private final String code;
  private final int retryAfterSeconds;

  public ApiError(int status, String code, String message) {
    this(status, code, message, 0);
  }

  private ApiError(int status, String code, String message, int retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** 429: a limit named by {@code code} is reached; the client may try again after a while. */
  public static ApiError tooMany(String code, String message, int retryAfterSeconds) {
    return new ApiError(429, code, message, retryAfterSeconds);
  }

  /** Seconds for a Retry-After header, or 0 for none. */
  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public static ApiError badRequest(String message) {
    return new ApiError(400, "bad_request", message);
  }

  public static ApiError invalid(String message) {
    return new ApiError(422, "invalid", message);
  }

  public static ApiError notFound(String message) {
    return new ApiError(404, "not_found", message);
  }

  public static ApiError unauthorized(String message) {
    return new ApiError(401, "unauthorized", message);
  }

  public static ApiError forbidden(String message) {
    return new ApiError(403, "forbidden", message);
  }

  public static ApiError conflict(String message) {
    return new ApiError(409, "conflict", message);
  }

  public static ApiError unsupportedMediaType(String message) {
    return new ApiError(415, "unsupported_media_type", message);
  }

  public static ApiError tooLarge(String message) {
    return new ApiError(413, "too_large", message);
  }
}
