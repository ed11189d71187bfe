package dev.fetchbus.api;

import dev.fetchbus.metrics.ProfileRecording;
import dev.fetchbus.metrics.ProfileSummary;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/admin/profile?seconds=N&format=summary|jfr}: profiles this node with JDK Flight
 * Recorder for N seconds, then answers a JSON summary ({@link ProfileSummary}) or the raw
 * {@code .jfr} file. One profile at a time per node, whichever API instance takes the request: a
 * second one is refused with 409 {@code profile_running}. Mount it behind the admin check.
 */
public final class ProfileRoute {
  private static final Logger log = LoggerFactory.getLogger(ProfileRoute.class);
  private static final String RUNNING = "fetchbus.profiler";
  private static final int DEFAULT_SECONDS = 10;
  private final Vertx vertx;
  private final int maxSeconds;

  public ProfileRoute(Vertx vertx, int maxSeconds) {
    this.vertx = vertx;
    this.maxSeconds = maxSeconds;
  }

  public void profile(RoutingContext ctx) {
    int seconds = seconds(ctx.request().getParam("seconds"));
    boolean jfr = jfrFormat(ctx.request().getParam("format", "summary"));
    if (!acquire()) {
      throw new ApiError(409, "profile_running", "A profile of this node is already running; try again when it ends");
    }
    log.info("Profiling this node for {} s", seconds);
    ProfileRecording.record(vertx, seconds)
        .onComplete(done -> release())
        .compose(file -> jfr ? sendFile(ctx, file) : sendSummary(ctx, file, seconds))
        .onFailure(ctx::fail);
  }

  private int seconds(String raw) {
    if (raw == null) {
      return Math.min(DEFAULT_SECONDS, maxSeconds);
    }
    try {
      int seconds = Integer.parseInt(raw.strip());
      if (seconds >= 1 && seconds <= maxSeconds) {
        return seconds;
      }
    } catch (NumberFormatException e) {
      // answered below, with the bounds
    }
    throw ApiError.badRequest("'seconds' must be a whole number from 1 to " + maxSeconds
        + " (metrics.profileMaxSeconds)");
  }

  private static boolean jfrFormat(String format) {
    if (!format.equals("summary") && !format.equals("jfr")) {
      throw ApiError.badRequest("'format' must be summary or jfr");
    }
    return format.equals("jfr");
  }

  private Future<Void> sendFile(RoutingContext ctx, Path file) {
    return ctx.response()
        .putHeader("Content-Type", "application/octet-stream")
        .putHeader("Content-Disposition", "attachment; filename=\"fetchbus-profile.jfr\"")
        .sendFile(file.toString())
        .eventually(() -> delete(file));
  }

  private Future<Void> sendSummary(RoutingContext ctx, Path file, int seconds) {
    return vertx.executeBlocking(() -> ProfileSummary.read(file, seconds), false)
        .eventually(() -> delete(file))
        .compose(ctx::json);
  }

  private Future<Void> delete(Path file) {
    return vertx.fileSystem().delete(file.toString())
        .onFailure(err -> log.warn("Could not delete the profile file {}", file, err));
  }

  private boolean acquire() {
    return running().putIfAbsent("running", Boolean.TRUE) == null;
  }

  private void release() {
    running().remove("running");
  }

  private LocalMap<String, Boolean> running() {
    return vertx.sharedData().getLocalMap(RUNNING);
  }
}
