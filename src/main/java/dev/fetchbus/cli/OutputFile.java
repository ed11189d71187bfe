package dev.fetchbus.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * Where one output of a run goes: a file, written whole or not at all (copied into a temporary
 * file beside it, then renamed over it: an interrupted run never leaves a half-written file, and an
 * older file of that name stays as it was), or standard output for {@code -}.
 */
final class OutputFile {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final String name;

  private OutputFile(String name) {
    this.name = name;
  }

  /** Checks, before anything runs, that the file could be written. */
  static OutputFile of(String name) {
    if (!isStdout(name)) {
      Path parent = Path.of(name).toAbsolutePath().getParent();
      if (!Files.isDirectory(parent) || !Files.isWritable(parent)) {
        throw new CliException("Cannot write " + name + ": " + parent + " is not a writable directory");
      }
      if (Files.isDirectory(Path.of(name))) {
        throw new CliException("Cannot write " + name + ": it is a directory");
      }
    }
    return new OutputFile(name);
  }

  static boolean isStdout(String name) {
    return "-".equals(name);
  }

  boolean toStdout() {
    return isStdout(name);
  }

  String name() {
    return name;
  }

  /** Copies {@code body} to the output; the body is closed whatever happens. Answers the bytes copied. */
  long write(InputStream body) throws InterruptedException {
    try (body) {
      if (toStdout()) {
        long copied = body.transferTo(new FilterOutputStream(System.out) {
          @Override
          public void close() {
            // standard output stays open for the rest of the run
          }
        });
        System.out.flush();
        return copied;
      }
      return toFile(body);
    } catch (IOException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("interrupted while writing " + name);
      }
      throw new CliException("Writing " + name + " failed: " + e.getMessage());
    }
  }

  private long toFile(InputStream body) throws IOException {
    Path target = Path.of(name).toAbsolutePath();
    // not Files.createTempFile, whose file is private (0600): the output gets the umask's mode, as any file
    Path temp = target.resolveSibling("." + target.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36)
        + ".partial");
    boolean moved = false;
    try {
      long copied;
      try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        copied = body.transferTo(out);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
      return copied;
    } finally {
      if (!moved) {
        deleteQuietly(temp);
      }
    }
  }

  private static void deleteQuietly(Path temp) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
