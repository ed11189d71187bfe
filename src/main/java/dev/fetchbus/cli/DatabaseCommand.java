package dev.fetchbus.cli;

import dev.fetchbus.config.Settings;
import dev.fetchbus.store.EmbeddedDatabase;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs only the embedded PostgreSQL, in the foreground, so several nodes of a local cluster can
 * share one database ({@code FETCHBUS_PG_URL}). Prints the URL on standard output, then waits.
 */
@Command(name = "db", mixinStandardHelpOptions = true,
    description = "Run the embedded PostgreSQL alone (data in FETCHBUS_DATA_DIR/pg) and print its URL.")
public final class DatabaseCommand implements Callable<Integer> {
  @Option(names = "--port", description = "Port on 127.0.0.1 (default: pg.embeddedPort, 0 = any free port)")
  Integer port;

  @Override
  public Integer call() throws InterruptedException {
    Settings settings = Settings.load(new JsonObject());
    EmbeddedDatabase db = EmbeddedDatabase.start(Path.of(settings.dataDir(), "pg"),
        port != null ? port : settings.pg().embeddedPort());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      db.close();
      stopped.countDown();
    }, "fetchbus-db-shutdown"));
    System.out.println(db.url("postgres"));
    System.out.flush();
    stopped.await();
    return 0;
  }
}
