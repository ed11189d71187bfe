package dev.fetchbus.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fetchbus users}: list a service's users, or add one ({@code --add NAME}); admins only. */
@Command(name = "users", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {"List the users of a fetchbus service (GET /v1/users), or add one with --add (POST /v1/users).",
        "Both need an admin key."})
final class UsersCommand implements Callable<Integer> {
  @Option(names = "--add", paramLabel = "NAME", description = "Create a user NAME and print its API key (shown once).")
  String add;

  @Option(names = "--json", description = "Print the API's JSON as it is.")
  boolean json;

  @ArgGroup(validate = false, heading = "%nService:%n")
  ServerOptions server = new ServerOptions();

  @Override
  public Integer call() throws InterruptedException {
    ServiceClient client = server.client();
    if (add != null) {
      JsonObject created = client.post("v1/users", new JsonObject().put("name", add));
      System.out.println(json ? created.encodePrettily() : created.getString("key"));
      return 0;
    }
    JsonObject answer = client.get("v1/users");
    if (json) {
      System.out.println(answer.encodePrettily());
      return 0;
    }
    System.out.printf("%-8s %-24s %-8s %-9s %-20s%n", "ID", "NAME", "ROLE", "DISABLED", "CREATED");
    JsonArray users = answer.getJsonArray("users", new JsonArray());
    for (Object item : users) {
      JsonObject user = (JsonObject) item;
      System.out.printf("%-8d %-24s %-8s %-9s %-20s%n", user.getLong("id"), user.getString("name"),
          user.getString("role"), user.getBoolean("disabled", false), JobsCommand.seconds(user.getString("createdAt")));
    }
    return 0;
  }
}
