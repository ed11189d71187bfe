package dev.fetchbus.cli;

import dev.fetchbus.support.NodeProcess;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * {@code java -jar target/fetchbus.jar ...} run as a user runs the command line, with the JVM flags
 * the launch scripts ship: standard output and error to files, or both through a pseudo-terminal
 * ({@code script} from util-linux) when the test needs a terminal. FETCHBUS_* variables of the test's
 * own environment are dropped: each test says which it sets.
 */
final class CliProcess implements AutoCloseable {
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private CliProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Started with its output in {@code dir/name.out} and {@code dir/name.err}. Through
   * {@code env --default-signal=INT}: a test runner started in the background has SIGINT ignored,
   * its children inherit that, and a JVM that finds SIGINT ignored never takes it, so the Ctrl-C
   * test would test nothing.
   */
  static CliProcess start(Path dir, String name, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT"));
    command.addAll(javaCommand(args));
    return launch(dir, name, env, command, false);
  }

  /** Started inside a pseudo-terminal: standard output and error are one terminal, captured in {@code dir/name.out}. */
  static CliProcess startInTerminal(Path dir, String name, Map<String, String> env, String... args) {
    String inner = javaCommand(args).stream().map(CliProcess::shellQuote).collect(Collectors.joining(" "));
    return launch(dir, name, env, List.of("script", "-qfec", inner, "/dev/null"), true);
  }

  private static List<String> javaCommand(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(NodeProcess.SHIPPED_FLAGS);
    command.addAll(List.of("-jar", NodeProcess.jar().toString()));
    command.addAll(List.of(args));
    return command;
  }

  private static CliProcess launch(Path dir, String name, Map<String, String> env, List<String> command, boolean tty) {
    try {
      Files.createDirectories(dir);
      Path out = dir.resolve(name + ".out");
      Path err = dir.resolve(name + ".err");
      ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
      builder.environment().keySet().removeIf(key -> key.startsWith("FETCHBUS_"));
      builder.environment().putAll(env);
      if (tty) {
        builder.environment().put("TERM", "xterm-256color"); // as a user's terminal says, whatever CI's says
      }
      Process process = builder.start();
      if (!tty) {
        process.getOutputStream().close(); // no input, as from a script; script keeps its input open for the pty
      }
      return new CliProcess(process, out, err);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start " + command, e);
    }
  }

  private static String shellQuote(String arg) {
    return "'" + arg.replace("'", "'\\''") + "'";
  }

  long pid() {
    return process.pid();
  }

  /** Waits for the exit (at most {@code timeout}); answers its status, or fails with the output. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("fetchbus did not exit within " + timeout + "\nstderr:\n" + stderr() + "\nstdout:\n"
          + tail(stdout(), 3000));
    }
    return process.exitValue();
  }

  /** Ctrl-C, as a terminal sends it: SIGINT. */
  void interrupt() throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
  }

  String stdout() {
    return read(stdout);
  }

  String stderr() {
    return read(stderr);
  }

  /** Polls {@code check} every 200 ms until it answers, the process exits, or {@code timeout} passes. */
  <T> T poll(String what, Duration timeout, Supplier<Optional<T>> check) {
    try {
      return Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
          .until(() -> {
            Optional<T> value = check.get();
            if (value.isEmpty() && !process.isAlive()) {
              throw new AssertionError("fetchbus exited with " + process.exitValue() + " while waiting for " + what
                  + "\nstderr:\n" + stderr());
            }
            return value;
          }, Optional::isPresent).orElseThrow();
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("timed out after " + timeout + " waiting for " + what + "\nstderr:\n" + stderr(), e);
    }
  }


  /** The records of an NDJSON file. */
  static List<JsonObject> ndjson(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).map(JsonObject::new)
        .toList();
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String tail(String text, int chars) {
    return text.length() <= chars ? text : text.substring(text.length() - chars);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
