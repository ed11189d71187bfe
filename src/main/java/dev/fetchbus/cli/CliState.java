package dev.fetchbus.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The job a run left unfinished, so {@code --resume} can finish the same job instead of submitting
 * its URLs again: {@code DIR/.fetchbus-cli.json}, {@code {"job": 7, "server": "http://...",
 * "kind": "list"}} ({@code server} is null for the embedded node). Written once the job exists,
 * deleted once the run's output is written.
 */
record CliState(long job, String server, String kind) {
  static final String FILE = ".fetchbus-cli.json";

  static Path file(Path dir) {
    return dir.resolve(FILE);
  }

  static Optional<CliState> read(Path dir) {
    Path file = file(dir);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonObject json = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
      return Optional.of(new CliState(json.getLong("job"), json.getString("server"), json.getString("kind", "list")));
    } catch (IOException | DecodeException | ClassCastException | NullPointerException e) {
      throw new CliException("The state file " + file + " cannot be read (" + e.getMessage()
          + "); remove it, or give the job with --job N");
    }
  }

  /** Written to a temporary file and renamed: an interruption leaves the old state or the new one. */
  void write(Path dir) {
    JsonObject json = new JsonObject().put("job", job).put("server", server).put("kind", kind);
    try {
      Files.createDirectories(dir);
      Path temp = Files.createTempFile(dir, FILE, ".tmp");
      Files.writeString(temp, json.encodePrettily() + "\n", StandardCharsets.UTF_8);
      Files.move(temp, file(dir), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write " + file(dir), e);
    }
  }

  static void delete(Path dir) {
    try {
      Files.deleteIfExists(file(dir));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not delete " + file(dir), e);
    }
  }
}
