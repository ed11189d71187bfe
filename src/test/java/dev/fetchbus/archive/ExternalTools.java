package dev.fetchbus.archive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.netpreserve.jwarc.WarcWriter;

/** The independent tools the archive tests check against: jwarc's validator and warcio.js. */
final class ExternalTools {
  record Result(int exit, String out, String err) {}

  private ExternalTools() {}

  /** Runs a command to completion (at most a minute), capturing both streams. */
  static Result run(Path workDir, List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).directory(workDir.toFile()).start();
    process.getOutputStream().close();
    CompletableFuture<String> out = read(process.getInputStream());
    CompletableFuture<String> err = read(process.getErrorStream());
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    return new Result(process.exitValue(), out.join(), err.join());
  }

  private static CompletableFuture<String> read(java.io.InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The jwarc jar on the test classpath: the same version the writer uses, with its CLI. */
  static Path jwarcJar() throws Exception {
    return Path.of(WarcWriter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /**
   * The warcio.js command on PATH (from {@code npm install -g warcio}), if any. In CI ({@code CI}
   * set) .ci/run installs it, so missing it there fails the test instead of skipping it.
   */
  static Optional<Path> warcio() {
    Optional<Path> found = warcioOnPath();
    if (found.isEmpty() && System.getenv("CI") != null) {
      throw new AssertionError("warcio.js is not on PATH, but CI is set: .ci/run should have installed it");
    }
    return found;
  }

  private static Optional<Path> warcioOnPath() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "warcio");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** warcio.js's CommonJS entry point, next to the CLI script the command links to. */
  static Optional<Path> warcioLibrary() throws IOException {
    Optional<Path> command = warcio();
    if (command.isEmpty()) {
      return Optional.empty();
    }
    Path library = command.get().toRealPath().resolveSibling("index.cjs");
    return Files.isRegularFile(library) ? Optional.of(library) : Optional.empty();
  }
}
