package dev.fetchbus.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The service a fetch or crawl runs against: a running one ({@code --server}), or an embedded node
 * started for the run in {@code --data DIR} or a temporary directory. Also where the run's state
 * file lives: the node's data directory, or for a service {@code --data DIR} or the current one.
 */
final class Session implements AutoCloseable {
  private final ServiceClient client;
  private final Path stateDir;
  private final String server;
  private final EmbeddedNode node;
  private final boolean temporary;

  private Session(ServiceClient client, Path stateDir, String server, EmbeddedNode node, boolean temporary) {
    this.client = client;
    this.stateDir = stateDir;
    this.server = server;
    this.node = node;
    this.temporary = temporary;
  }

  static Session remote(ServerOptions options, RunOptions run) {
    ServiceClient client = options.client();
    Path dir = run.data != null ? run.data : Path.of(".");
    return new Session(client, dir, client.base().toString(), null, false);
  }

  /** The data directory an embedded node will use: {@code --data DIR} (made if missing) or a new temporary one. */
  static Path embeddedDir(RunOptions run) {
    try {
      if (run.data == null) {
        return Files.createTempDirectory("fetchbus-");
      }
      Files.createDirectories(run.data);
      return run.data;
    } catch (IOException e) {
      throw new CliException("Cannot use " + (run.data == null ? "a temporary directory" : run.data) + ": "
          + e.getMessage());
    }
  }

  static Session embedded(Path dir, boolean temporary) throws InterruptedException {
    EmbeddedNode node = EmbeddedNode.start(dir);
    return new Session(node.client(), dir, null, node, temporary);
  }

  ServiceClient client() {
    return client;
  }

  Path stateDir() {
    return stateDir;
  }

  /** The service's URL; null for an embedded node. */
  String server() {
    return server;
  }

  boolean embedded() {
    return node != null;
  }

  boolean temporary() {
    return temporary;
  }

  /** Stops an embedded node gracefully; a service is left as it is. */
  @Override
  public void close() {
    if (node != null) {
      node.close();
    }
  }

  /** Deletes a temporary data directory once its run has ended normally (its node stopped). */
  void deleteTemporaryData() {
    if (!temporary) {
      return;
    }
    try (Stream<Path> paths = Files.walk(stateDir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not delete " + stateDir, e);
    }
  }
}
