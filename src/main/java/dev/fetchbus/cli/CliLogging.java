package dev.fetchbus.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Sends every log line of this JVM to a file ({@code logback-cli.xml}): the command line's terminal
 * shows progress and a summary, and with {@code -o -} its standard output carries the results, so
 * the embedded node's log must go elsewhere. Logback is configured for the console when the first
 * logger is made (before picocli runs), so it is reset and configured again here.
 */
final class CliLogging {
  private CliLogging() {}

  static void toFile(Path logFile) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    context.putProperty("fetchbus.cli.log", logFile.toAbsolutePath().toString());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(CliLogging.class.getClassLoader().getResource("logback-cli.xml"));
    } catch (JoranException e) {
      throw new CliException("Could not send the node's log to " + logFile + ": " + e.getMessage());
    }
  }
}
