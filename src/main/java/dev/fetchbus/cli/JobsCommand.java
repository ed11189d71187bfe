package dev.fetchbus.cli;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fetchbus jobs}: the caller's jobs on a service (an admin's: everyone's), newest first. */
@Command(name = "jobs", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = "List jobs on a fetchbus service, newest first (GET /v1/jobs).")
final class JobsCommand implements Callable<Integer> {
  @Option(names = "--state", paramLabel = "STATE", description = "Only jobs queued, running, done or cancelled.")
  String state;

  @Option(names = {"-n", "--limit"}, paramLabel = "N", defaultValue = "20",
      description = "At most N jobs (default: ${DEFAULT-VALUE}).")
  int limit = 20;

  @Option(names = "--json", description = "Print the API's JSON as it is.")
  boolean json;

  @ArgGroup(validate = false, heading = "%nService:%n")
  ServerOptions server = new ServerOptions();

  @Override
  public Integer call() throws InterruptedException {
    String query = "v1/jobs?limit=" + limit + (state == null ? "" : "&state=" + state);
    JsonObject page = server.client().get(query);
    if (json) {
      System.out.println(page.encodePrettily());
      return 0;
    }
    System.out.printf("%-8s %-6s %-10s %10s  %-20s %-20s%n", "ID", "KIND", "STATE", "URLS", "CREATED", "FINISHED");
    for (Object item : page.getJsonArray("jobs")) {
      JsonObject job = (JsonObject) item;
      System.out.printf("%-8d %-6s %-10s %10d  %-20s %-20s%n", job.getLong("id"), job.getString("kind"),
          job.getString("state"), job.getLong("accepted", 0L), seconds(job.getString("createdAt")),
          seconds(job.getString("finishedAt")));
    }
    return 0;
  }

  /** An instant to the second, for a table a person reads ({@code --json} keeps the API's). */
  static String seconds(String instant) {
    return instant == null ? "-" : Instant.parse(instant).truncatedTo(ChronoUnit.SECONDS)
        .toString();
  }
}
