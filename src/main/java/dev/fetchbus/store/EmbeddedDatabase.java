package dev.fetchbus.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-setup database: real PostgreSQL binaries from a jar, with a persistent data directory.
 * Durable by default (fsync and synchronous_commit on), locale C so a bad LANG cannot break initdb.
 * Blocking: call it from a worker thread or before Vert.x starts.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
  private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(30);

  private final EmbeddedPostgres postgres;
  private final String password;
  private final Path dataDir;

  private EmbeddedDatabase(EmbeddedPostgres postgres, String password, Path dataDir) {
    this.postgres = postgres;
    this.password = password;
    this.dataDir = dataDir;
  }

  public static EmbeddedDatabase start(Path dataDir, int port) {
    try {
      Files.createDirectories(dataDir);
      stopOrphan(dataDir.resolve("postmaster.pid"));
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setPGStartupWait(Duration.ofSeconds(60))
          // the node stops it itself, last, after the verticles have stored their work; the
          // library's own hook would stop it at the same moment as everything else
          .setRegisterShutdownHook(false)
          .setLocaleConfig("locale", "C")
          .setLocaleConfig("encoding", "UTF8")
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "on")
          .setServerConfig("max_connections", "200")
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("password_encryption", "scram-sha-256");
      if (port > 0) {
        builder.setPort(port);
      }
      // the library's readiness check connects too: it must send the password once one is required
      String password = EmbeddedPassword.read(dataDir);
      builder.setConnectConfig("password", password);
      EmbeddedPostgres postgres = builder.start();
      EmbeddedPassword.enforce(dataDir, password, postgres.getPostgresDatabase());
      EmbeddedDatabase db = new EmbeddedDatabase(postgres, password, dataDir);
      log.info("Embedded PostgreSQL is up on 127.0.0.1:{} with data in {}", db.port(), dataDir.toAbsolutePath());
      return db;
    } catch (IOException e) {
      throw new UncheckedIOException(hint(e), e);
    }
  }

  public int port() {
    return postgres.getPort();
  }

  /**
   * Completes when the postmaster exits, however it ends. The library starts it through
   * {@code pg_ctl}, so it is not a child of this JVM: it is found by the pid in its pid file.
   */
  public CompletableFuture<?> postmasterExit() {
    try {
      List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
      Optional<ProcessHandle> postmaster = lines.isEmpty() ? Optional.empty()
          : parsePid(lines.get(0)).flatMap(ProcessHandle::of);
      return postmaster.<CompletableFuture<?>>map(ProcessHandle::onExit)
          .orElse(CompletableFuture.completedFuture(null));
    } catch (IOException e) {
      return CompletableFuture.completedFuture(null);
    }
  }

  /** A {@code postgresql://} URL, with the password, for the superuser's connection to {@code database}. */
  public String url(String database) {
    return "postgresql://postgres:" + URLEncoder.encode(password, StandardCharsets.UTF_8)
        + "@127.0.0.1:" + port() + "/" + database;
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException | RuntimeException e) {
      // after a crash pg_ctl finds nothing to stop; the library still releases its lock on the directory
      log.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
  }

  /**
   * A JVM killed with -9 leaves its PostgreSQL running on the data directory, and a second
   * postmaster would refuse to start. Stop the orphan (smart shutdown: its clients died with the JVM).
   */
  static void stopOrphan(Path pidFile) throws IOException {
    if (!Files.exists(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile);
    Optional<ProcessHandle> orphan = lines.isEmpty() ? Optional.empty()
        : parsePid(lines.get(0)).flatMap(ProcessHandle::of);
    if (orphan.isEmpty() || !orphan.get().isAlive() || !isPostgres(orphan.get())) {
      return;
    }
    log.warn("Found PostgreSQL (pid {}) left running on {} by an earlier node; stopping it", orphan.get().pid(),
        pidFile.getParent());
    orphan.get().destroy();
    try {
      orphan.get().onExit().get(ORPHAN_STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("Orphan PostgreSQL did not stop in {}; killing it (it will recover from its WAL)", ORPHAN_STOP_WAIT);
      orphan.get().destroyForcibly();
    }
  }

  private static Optional<Long> parsePid(String line) {
    try {
      return Optional.of(Long.parseLong(line.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static boolean isPostgres(ProcessHandle process) {
    return process.info().command().map(c -> c.endsWith("postgres")).orElse(true);
  }

  private static String hint(IOException e) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("cannot be run as root")) {
      return "Embedded PostgreSQL cannot run as root here (user namespaces are blocked). Run as a normal user "
          + "or set FETCHBUS_PG_URL to an existing database";
    }
    return "Embedded PostgreSQL failed to start: " + message;
  }
}
