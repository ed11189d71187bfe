package dev.fetchbus.archive;

import dev.fetchbus.support.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.netpreserve.jwarc.WarcWriter;

/** The independent tools the archive tests check against: jwarc's validator and warcio.js. */
final class ExternalTools {
  private ExternalTools() {}

  /** Runs a command to completion (at most a minute), capturing both streams. */
  static Tools.Result run(Path workDir, List<String> command) throws IOException, InterruptedException {
    return Tools.run(workDir, command);
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
    return Tools.wanted("warcio");
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
