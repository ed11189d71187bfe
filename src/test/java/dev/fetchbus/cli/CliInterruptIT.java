package dev.fetchbus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.OriginServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Ctrl-C in the middle of {@code fetchbus fetch --data DIR}, then {@code --resume}: the first run
 * stops cleanly (status 130, no output file, the embedded node's leases given back and its
 * PostgreSQL stopped, the job remembered), and the second finishes the same job with every URL in
 * the output exactly once, and fetched exactly once.
 */
@DisplayName("fetchbus fetch: Ctrl-C stops cleanly, --resume finishes the job with every URL once")
class CliInterruptIT {
  /** 300 pages of 100 ms, two at a time: about 15 s of fetching, so SIGINT lands mid-job. */
  private static final int URLS = 300;
  private static final long INTERRUPT_AFTER = 40;
  private static final Pattern LINE = Pattern.compile("fetch job \\d+: (\\d+)/" + URLS + " pages");

  @Test
  @DisplayName("SIGINT after 40 pages: exit 130, nothing half-written; --resume: 300 distinct URLs, each fetched once")
  void interruptedRunResumes() throws Exception {
    Path dir = CliProgressIT.workDir("interrupt");
    Path data = dir.resolve("data");
    try (OriginServer origin = OriginServer.start()) {
      List<String> urls = IntStream.range(0, URLS).mapToObj(i -> origin.url("/slow/100/" + i)).toList();
      Files.write(dir.resolve("urls.txt"), urls);
      try (CliProcess first = CliProcess.start(dir, "first", CliProgressIT.env(), "fetch", "urls.txt", "-o",
          "results.ndjson", "--data", "data", "--host-concurrency", "2", "--progress-interval", "1")) {
        first.poll(INTERRUPT_AFTER + " pages done", Duration.ofSeconds(90), () -> finished(first.stderr()));
        first.interrupt();
        assertThat(first.awaitExit(Duration.ofSeconds(90))).as("exit status; stderr:\n%s", first.stderr())
            .isEqualTo(130);
        assertThat(first.stderr()).contains("interrupted").contains("--resume");
      }
      assertCleanStop(dir, data);

      try (CliProcess second = CliProcess.start(dir, "second", CliProgressIT.env(), "fetch", "urls.txt", "-o",
          "results.ndjson", "--data", "data", "--resume")) {
        assertThat(second.awaitExit(Duration.ofSeconds(120))).as("exit status; stderr:\n%s", second.stderr()).isZero();
        assertThat(second.stderr()).contains("resuming job 1");
      }
      List<JsonObject> records = CliProcess.ndjson(dir.resolve("results.ndjson"));
      Set<String> seen = new HashSet<>();
      records.forEach(r -> assertThat(seen.add(r.getString("url"))).as("%s twice in the output", r.getString("url"))
          .isTrue());
      assertThat(seen).containsExactlyInAnyOrderElementsOf(urls);
      assertThat(records).allSatisfy(r -> assertThat(r.getValue("error")).isNull());
      assertThat(origin.hits("/slow/")).as("fetches at the origin: none repeated across the stop").isEqualTo(URLS);
      assertThat(Files.exists(data.resolve(CliState.FILE))).as("state file once the job is done").isFalse();
    }
  }

  private static void assertCleanStop(Path dir, Path data) throws Exception {
    assertThat(dir.resolve("results.ndjson")).as("no output after Ctrl-C").doesNotExist();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".partial"));
    }
    assertThat(Files.readString(data.resolve(CliState.FILE))).contains("\"job\" : 1");
    String log = Files.readString(data.resolve(EmbeddedNode.LOG_FILE));
    assertThat(log).as("the node's log").contains("Frontier stopping; gave back");
    assertThat(data.resolve("pg/postmaster.pid")).as("the embedded PostgreSQL stopped").doesNotExist();
  }

  private static Optional<Long> finished(String stderr) {
    long last = -1;
    Matcher m = LINE.matcher(stderr);
    while (m.find()) {
      last = Long.parseLong(m.group(1));
    }
    return last >= INTERRUPT_AFTER ? Optional.of(last) : Optional.empty();
  }
}
