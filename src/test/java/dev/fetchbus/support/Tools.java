package dev.fetchbus.support;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The outside programs some tests check fetchbus against (warcio.js, Prometheus, promtool, nginx,
 * Chromium…), which scripts/test-tools installs. A missing one makes its test skip with a message,
 * except in CI ({@code CI} set), where .ci/run should have installed it, so the test fails instead.
 */
public final class Tools {
  /** How a command ended, and what it printed. */
  public record Result(int exit, String out, String err) {}

  private Tools() {}

  /** The command {@code name} on PATH, if any. */
  public static Optional<Path> onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** {@link #onPath}, failing instead of answering empty when CI is set. */
  public static Optional<Path> wanted(String name) {
    Optional<Path> found = onPath(name);
    if (found.isEmpty() && System.getenv("CI") != null) {
      throw new AssertionError(name
          + " is not on PATH, but CI is set: .ci/run (scripts/test-tools) should have installed it");
    }
    return found;
  }

  /** Runs a command to completion (at most a minute), with {@code stdin} as its input, capturing both streams. */
  public static Result run(Path workDir, List<String> command, byte[] stdin) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).directory(workDir.toFile()).start();
    try (var in = process.getOutputStream()) {
      in.write(stdin);
    }
    CompletableFuture<String> out = read(process.getInputStream());
    CompletableFuture<String> err = read(process.getErrorStream());
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    return new Result(process.exitValue(), out.join(), err.join());
  }

  public static Result run(Path workDir, List<String> command) throws IOException, InterruptedException {
    return run(workDir, command, new byte[0]);
  }

  private static CompletableFuture<String> read(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }
}
