package dev.fetchbus;

import dev.fetchbus.cli.NodeCommand;
import picocli.CommandLine;

/** Entry point of {@code target/fetchbus.jar}: starts a whole node. See {@link NodeCommand}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int exit = new CommandLine(new NodeCommand()).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }
}
