package dev.fetchbus.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether standard error is a terminal. Java answers that only for standard input and output
 * together ({@code System.console()}), and with {@code -o -} standard output is a file or a pipe
 * while standard error is still the user's terminal. On Linux the descriptor's link names its device.
 */
final class Terminals {
  private Terminals() {}

  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    } catch (IOException | UnsupportedOperationException e) {
      return System.console() != null;
    }
  }
}
