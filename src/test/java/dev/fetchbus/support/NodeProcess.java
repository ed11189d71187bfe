package dev.fetchbus.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A fetchbus node in a JVM of its own, started from the packaged jar (or through scripts/vertx), so
 * tests can kill it with -9, freeze it with SIGSTOP and wake it with SIGCONT. Output goes to a log.
 */
public final class NodeProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;
  private final int httpPort;

  private NodeProcess(String name, Process process, Path log, int httpPort) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
  }

  public static Path jar() {
    Path jar = Path.of(System.getProperty("fetchbus.jar", "target/fetchbus.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("The packaged jar is missing: run through `mvn verify`");
    }
    return jar;
  }

  /** {@code java -jar fetchbus.jar args...} with {@code env} added to this JVM's environment. */
  public static NodeProcess jar(String name, Path logDir, int httpPort, Map<String, String> env, String... args) {
    return jar(name, logDir, httpPort, env, List.of("-Xmx512m"), args);
  }

  /** The same with the JVM flags {@code jvm}, e.g. the launchers' ({@link #SHIPPED_FLAGS}). */
  public static NodeProcess jar(String name, Path logDir, int httpPort, Map<String, String> env, List<String> jvm,
      String... args) {
    List<String> command = new ArrayList<>(List.of(java()));
    command.addAll(jvm);
    command.addAll(List.of("-jar", jar().toString()));
    command.addAll(List.of(args));
    return start(name, logDir, httpPort, env, command);
  }

  /** The JVM flags scripts/prereqs and the Dockerfile ship, read from scripts/prereqs so they cannot drift. */
  public static final List<String> SHIPPED_FLAGS = shippedFlags();

  private static List<String> shippedFlags() {
    try {
      String prereqs = Files.readString(Path.of("scripts/prereqs"));
      Matcher m = Pattern.compile("FETCHBUS_DEFAULT_JAVA_OPTS=\"([^\"]+)\"").matcher(prereqs);
      if (!m.find()) {
        throw new IllegalStateException("no FETCHBUS_DEFAULT_JAVA_OPTS in scripts/prereqs");
      }
      return List.of(m.group(1).trim().split("\\s+"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code scripts/vertx run <verticle> args...}, as an operator deploys one verticle. */
  public static NodeProcess vertxRun(String name, Path logDir, int httpPort, Map<String, String> env, String verticle,
      String... args) {
    List<String> command = new ArrayList<>(List.of("bash", "scripts/vertx", "run", verticle));
    command.addAll(List.of(args));
    return start(name, logDir, httpPort, env, command);
  }

  private static NodeProcess start(String name, Path logDir, int httpPort, Map<String, String> env, List<String> cmd) {
    try {
      Files.createDirectories(logDir);
      Path log = logDir.resolve(name + ".log");
      ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      // The test alone defines the node: a FETCHBUS_PG_URL exported in the shell must not reach it.
      builder.environment().keySet().removeIf(key -> key.startsWith("FETCHBUS_"));
      builder.environment().putAll(env);
      builder.environment().put("FETCHBUS_HTTP_PORT", String.valueOf(httpPort));
      builder.environment().putIfAbsent("FETCHBUS_JAVA_OPTS", "-Xmx512m");
      return new NodeProcess(name, builder.start(), log, httpPort);
    } catch (IOException e) {
      throw new IllegalStateException("Could not start " + name, e);
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  public int httpPort() {
    return httpPort;
  }

  public boolean alive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** The exit code; only once the node has exited. */
  public int exitValue() {
    return process.exitValue();
  }

  /** SIGTERM, as an operator stops a node, and waits (at most a minute) for the JVM to exit. */
  public void terminate() {
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("the node did not exit within 60 s of SIGTERM");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public void kill() {
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(30));
  }

  public void freeze() {
    signal("STOP");
  }

  public void thaw() {
    signal("CONT");
  }

  /** Waits until GET /ready answers 200, or fails with the log's tail; fails at once if the node exits. */
  public void awaitReady(Duration timeout) {
    ApiClient client = ApiClient.of(httpPort, null);
    try {
      // a refused connection (IllegalStateException from the client) just means "not listening yet"
      Awaitility.await(name + " to be ready").atMost(timeout).pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptionsInstanceOf(IllegalStateException.class)
          .until(() -> {
            if (!process.isAlive()) {
              throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            return client.get("/ready").status() == 200;
          });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(name + " was not ready within " + timeout + ":\n" + tail(), e);
    }
  }

  public String tail() {
    return tail(40);
  }

  /** The last {@code count} lines of the node's log. */
  public String tail(int count) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      thaw();
      process.destroy();
      if (!waitFor(Duration.ofSeconds(30))) {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(10));
      }
    }
  }

  private boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void signal(String signal) {
    try {
      new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
