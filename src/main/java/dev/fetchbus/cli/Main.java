package dev.fetchbus.cli;

import picocli.CommandLine;

/**
 * Entry point of {@code target/fetchbus.jar}: starts a whole node, or runs one of the command line's
 * subcommands. See {@link NodeCommand}. It lives in {@code cli}, not in the root package, because
 * {@code cli} deploys the root's {@code NodeVerticle}: an entry point in the root would make the two
 * packages depend on each other (issue #15).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    CommandLine commandLine = new CommandLine(new NodeCommand());
    // one status for every error the user can act on, bad arguments included (picocli's default is 2,
    // which the fetch and crawl commands keep for "some URLs failed")
    setInvalidInputStatus(commandLine);
    // as wget does: the error and where to read more, not the whole help
    commandLine.setParameterExceptionHandler((e, parsed) -> {
      CommandLine cmd = e.getCommandLine();
      cmd.getErr().println("fetchbus: " + e.getMessage());
      cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more options.");
      return cmd.getCommandSpec().exitCodeOnInvalidInput();
    });
    commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof CliException known) {
        cmd.getErr().println("fetchbus: " + known.getMessage());
        cmd.getErr().flush();
        return known.exitCode();
      }
      throw e;
    });
    int exit = commandLine.execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  private static void setInvalidInputStatus(CommandLine commandLine) {
    commandLine.getCommandSpec().exitCodeOnInvalidInput(CliException.ERROR);
    commandLine.getSubcommands().values().forEach(Main::setInvalidInputStatus);
  }
}
