package dev.fetchbus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.NodeProcess;
import dev.fetchbus.support.OriginServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code fetchbus fetch} with no server, as a user runs it: an embedded node for the run, a progress
 * bar that moves on a terminal (a real pseudo-terminal from util-linux's script), plain lines when
 * standard error is a file, and with {@code -o -} the results alone on standard output.
 */
@DisplayName("fetchbus fetch shows a moving bar on a terminal and plain lines elsewhere")
class CliProgressIT {
  /** 60 pages of 250 ms, two at a time: about 8 s of fetching, several bar frames. */
  private static final int URLS = 60;
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);
  private static final Pattern FRAME = Pattern.compile("(\\d+)/(\\d+) pages");
  private static final Pattern LINE =
      Pattern.compile("^\\d\\d:\\d\\d:\\d\\d fetch job \\d+: (\\d+)/" + URLS + " pages");

  @Test
  @DisplayName("in a terminal: bar frames with growing counts up to 60/60, exit 0, 60 records")
  void barMovesInATerminal() throws Exception {
    Path dir = workDir("bar");
    try (OriginServer origin = OriginServer.start()) {
      Files.write(dir.resolve("urls.txt"), urls(origin));
      try (CliProcess cli = CliProcess.startInTerminal(dir, "fetch", env(), "fetch", "urls.txt", "-o", "out.ndjson",
          "--host-concurrency", "2")) {
        int exit = cli.awaitExit(RUN_TIMEOUT);
        String screen = cli.stdout();
        assertThat(exit).as("exit status; terminal:\n%s", screen).isZero();
        List<Long> counts = frames(screen);
        assertThat(counts).as("bar frames drawn on the terminal:\n%s", screen).hasSizeGreaterThanOrEqualTo(3)
            .isSorted().endsWith((long) URLS);
        assertThat(counts.stream().distinct().count()).as("distinct counts drawn").isGreaterThanOrEqualTo(3);
        assertThat(screen).as("a bar (block glyphs), redrawn in place").contains("█").contains("\r")
            .doesNotContain("fetch job"); // no plain lines on a terminal
        assertThat(CliProcess.ndjson(dir.resolve("out.ndjson"))).hasSize(URLS);
        assertThat(Files.readString(dir.resolve("out.ndjson"))).doesNotContain("pages/s");
      }
    }
  }

  @Test
  @DisplayName("not a terminal, -o -: plain progress lines on stderr, only NDJSON records on stdout")
  void plainLinesWhenNotATerminal() throws Exception {
    Path dir = workDir("lines");
    try (OriginServer origin = OriginServer.start()) {
      Files.write(dir.resolve("urls.txt"), urls(origin));
      try (CliProcess cli = CliProcess.start(dir, "fetch", env(), "fetch", "urls.txt", "-o", "-",
          "--host-concurrency", "2", "--progress-interval", "1")) {
        int exit = cli.awaitExit(RUN_TIMEOUT);
        assertThat(exit).as("exit status; stderr:\n%s", cli.stderr()).isZero();
        List<Long> lines = cli.stderr().lines().map(LINE::matcher).filter(Matcher::find)
            .map(m -> Long.parseLong(m.group(1))).toList();
        assertThat(lines).as("progress lines:\n%s", cli.stderr()).hasSizeGreaterThanOrEqualTo(3).isSorted()
            .endsWith((long) URLS);
        assertThat(cli.stderr()).doesNotContain("\r").doesNotContain("█");
        List<JsonObject> records = cli.stdout().lines().map(JsonObject::new).toList();
        assertThat(records).hasSize(URLS).allSatisfy(r -> assertThat(r.getInteger("status")).isEqualTo(200));
      }
    }
  }

  /** The finished counts of the bar's frames, in the order drawn. */
  private static List<Long> frames(String screen) {
    List<Long> counts = new ArrayList<>();
    for (String frame : screen.split("[\r\n]")) {
      Matcher m = FRAME.matcher(frame);
      if (frame.contains("│") && m.find()) {
        counts.add(Long.parseLong(m.group(1)));
      }
    }
    return counts;
  }

  static List<String> urls(OriginServer origin) {
    return IntStream.range(0, URLS).mapToObj(i -> origin.url("/slow/250/" + i)).toList();
  }

  /** The origin is on loopback: the network guard must be told, as a user would. */
  static Map<String, String> env() {
    return Map.of("FETCHBUS_FETCH_ALLOW_NETWORKS", "127.0.0.0/8");
  }

  static Path workDir(String name) throws Exception {
    Path base = NodeProcess.jar().getParent().resolve("cli-it");
    Files.createDirectories(base);
    return Files.createTempDirectory(base, name + "-");
  }
}
