package dev.fetchbus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Plain progress lines")
class LineProgressTest {
  @Test
  @DisplayName("the first update prints at once, later ones wait for the interval, close prints the last state")
  void printsOnIntervalAndAtClose() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    LineProgress view = new LineProgress("fetch", 3600, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    view.update(new JobProgress(7, "running", 10, 0, 300));
    view.update(new JobProgress(7, "running", 120, 1, 300));
    view.close();
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0])
        .matches("\\d\\d:\\d\\d:\\d\\d fetch job 7: 10/300 pages \\(3%\\), 0\\.0 pages/s, ETA \\?, 0 errors");
    assertThat(lines[1])
        .matches("\\d\\d:\\d\\d:\\d\\d fetch job 7: 121/300 pages \\(40%\\), .* pages/s, ETA .*, 1 error");
  }
}
