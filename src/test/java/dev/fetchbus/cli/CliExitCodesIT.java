package dev.fetchbus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.OriginServer;
import dev.fetchbus.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The exit statuses a script relies on: 1 for bad arguments (before any node starts), 2 when the
 * job ended with error records, 0 when every URL was fetched fine. The runs share one --data
 * directory, so only the first pays for initdb. The last run leaves the network guard as it is and
 * finds every loopback URL refused ({@code blocked}): the command line never opens it by itself.
 * And a crawl, with its WARC, ends with 0.
 */
@DisplayName("fetchbus fetch and crawl exit statuses: 1 bad arguments, 2 some URLs failed, 0 all fine")
class CliExitCodesIT {
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);

  @Test
  @DisplayName("bad arguments exit 1 at once, with a message and no node started")
  void badArguments() throws Exception {
    Path dir = CliProgressIT.workDir("badargs");
    Files.write(dir.resolve("urls.txt"), List.of("https://example.com/"));
    String[][] cases = {
        {"fetch", "--no-such-option", "urls.txt"},
        {"fetch", "missing.txt"},
        {"fetch", "urls.txt", "--format", "xml"},
        {"fetch", "urls.txt", "--host-concurrency", "many"},
        {"fetch", "urls.txt", "-o", "no/such/dir/out.ndjson"},
        {"crawl", "--max-pages", "10"},
        {"jobs"},
    };
    for (String[] args : cases) {
      try (CliProcess cli = CliProcess.start(dir, "bad", Map.of(), args)) {
        assertThat(cli.awaitExit(Duration.ofSeconds(30))).as("exit of %s; stderr: %s", List.of(args), cli.stderr())
            .isEqualTo(1);
        assertThat(cli.stderr()).as("stderr of %s", List.of(args)).startsWith("fetchbus: ");
      }
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("data"))).isEmpty();
    }
  }

  @Test
  @DisplayName("404 and refused URLs: exit 2 with their errors; all fine: exit 0; guard untouched: exit 2, blocked")
  void someFailedThenAllFine() throws Exception {
    Path dir = CliProgressIT.workDir("exit");
    int closedPort = TestNode.freePort();
    try (OriginServer origin = OriginServer.start()) {
      Files.write(dir.resolve("mixed.txt"), List.of(origin.url("/page/1"), origin.url("/page/2"),
          origin.url("/status/404"), "http://127.0.0.1:" + closedPort + "/nothing-listens"));
      Files.write(dir.resolve("fine.txt"), List.of(origin.url("/page/3"), origin.url("/page/4")));
      // retries of the refused URL 100 ms apart instead of 1 s: the run stays short
      Map<String, String> env =
          Map.of("FETCHBUS_FETCH_ALLOW_NETWORKS", "127.0.0.0/8", "FETCHBUS_FETCH_RETRY_BASE_MS", "100");

      assertThat(run(dir, "mixed", env, "mixed.txt")).isEqualTo(2);
      Map<String, String> errors = errorsByUrl(dir.resolve("mixed.ndjson"));
      assertThat(errors).containsEntry(origin.url("/status/404"), "http_status")
          .containsEntry("http://127.0.0.1:" + closedPort + "/nothing-listens", "refused")
          .containsEntry(origin.url("/page/1"), "none").containsEntry(origin.url("/page/2"), "none");

      assertThat(run(dir, "fine", env, "fine.txt")).isZero();
      assertThat(errorsByUrl(dir.resolve("fine.ndjson"))).containsOnlyKeys(origin.url("/page/3"), origin.url("/page/4"))
          .containsValues("none");

      assertThat(run(dir, "guarded", Map.of(), "fine.txt")).isEqualTo(2);
      assertThat(errorsByUrl(dir.resolve("guarded.ndjson"))).hasSize(2).containsValues("blocked")
          .doesNotContainValue("none");
    }
  }

  @Test
  @DisplayName("crawl --max-pages 5 --warc: exit 0, 5 records linked from the seed, a WARC with their 5 responses")
  void crawlWritesRecordsAndWarc() throws Exception {
    Path dir = CliProgressIT.workDir("crawl");
    try (OriginServer origin = OriginServer.start();
        CliProcess cli = CliProcess.start(dir, "crawl", CliProgressIT.env(), "crawl", origin.url("/page/1"),
            "--max-pages", "5", "-o", "site.ndjson", "--warc", "site.warc.gz", "--progress", "none")) {
      assertThat(cli.awaitExit(RUN_TIMEOUT)).as("stderr:\n%s", cli.stderr()).isZero();
      List<JsonObject> records = CliProcess.ndjson(dir.resolve("site.ndjson"));
      assertThat(records).hasSize(5).allSatisfy(r -> assertThat(r.getInteger("status")).isEqualTo(200));
      assertThat(records).extracting(r -> r.getString("url")).contains(origin.url("/page/1"), origin.url("/page/11"));
      try (var warc = new GZIPInputStream(Files.newInputStream(dir.resolve("site.warc.gz")))) {
        String text = new String(warc.readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(text.split("WARC-Type: response", -1)).hasSize(6);
      }
    }
  }

  private static int run(Path dir, String name, Map<String, String> env, String list) throws Exception {
    try (CliProcess cli = CliProcess.start(dir, name, env, "fetch", list, "-o", name + ".ndjson", "--data", "data",
        "--progress", "none")) {
      int exit = cli.awaitExit(RUN_TIMEOUT);
      assertThat(cli.stderr()).as("stderr of %s", name).doesNotContain("Exception");
      return exit;
    }
  }

  /** Each record's URL and its error code ("none" when it has none). */
  private static Map<String, String> errorsByUrl(Path file) throws Exception {
    return CliProcess.ndjson(file).stream().collect(Collectors.toMap(r -> r.getString("url"), r -> {
      JsonObject error = r.getJsonObject("error");
      return error == null ? "none" : error.getString("code");
    }));
  }
}
