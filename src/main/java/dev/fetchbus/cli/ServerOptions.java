package dev.fetchbus.cli;

import java.net.URI;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --server URL --key KEY}: a running fetchbus service, with FETCHBUS_SERVER / FETCHBUS_KEY as defaults. */
final class ServerOptions {
  @Option(names = "--server", paramLabel = "URL",
      description = "Use the fetchbus service at URL (default: $FETCHBUS_SERVER). Without one, fetch and "
          + "crawl start an embedded node for the run.")
  String server;

  @Option(names = "--key", paramLabel = "KEY", description = "Its API key (default: $FETCHBUS_KEY).")
  String key;

  /** The service named on the command line or in the environment, if any. */
  Optional<String> url() {
    String url = server != null ? server : System.getenv("FETCHBUS_SERVER");
    return url == null || url.isBlank() ? Optional.empty() : Optional.of(url.strip());
  }

  /** A client for the service; fails when none is named or it has no key. */
  ServiceClient client() {
    String url = url().orElseThrow(() -> new CliException("Name a fetchbus service: --server URL or FETCHBUS_SERVER"));
    String apiKey = key != null ? key : System.getenv("FETCHBUS_KEY");
    if (apiKey == null || apiKey.isBlank()) {
      throw new CliException("--server needs an API key: --key KEY or FETCHBUS_KEY");
    }
    URI base;
    try {
      base = URI.create(url.endsWith("/") ? url : url + "/");
    } catch (IllegalArgumentException e) {
      throw new CliException("--server: '" + url + "' is not a URL");
    }
    if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme()) || base.getHost() == null) {
      throw new CliException("--server: '" + url + "' is not an http(s) URL");
    }
    return new ServiceClient(base, apiKey.strip());
  }
}
