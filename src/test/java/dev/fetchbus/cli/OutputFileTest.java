package dev.fetchbus.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Command-line outputs are written whole or not at all")
class OutputFileTest {
  @TempDir
  Path dir;

  @Test
  @DisplayName("a finished copy replaces the file; nothing else is left in the directory")
  void replacesWhole() throws Exception {
    Path target = dir.resolve("out.ndjson");
    Files.writeString(target, "old\n");
    long copied =
        OutputFile.of(target.toString()).write(new ByteArrayInputStream("new\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(copied).isEqualTo(4);
    assertThat(Files.readString(target)).isEqualTo("new\n");
    assertThat(names()).containsExactly("out.ndjson");
  }

  @Test
  @DisplayName("a copy that breaks half-way (a closed stream) leaves the old file as it was, and no partial file")
  void brokenCopyLeavesOldFile() throws Exception {
    Path target = dir.resolve("out.ndjson");
    Files.writeString(target, "old\n");
    InputStream breaks = new SequenceInputStream(new ByteArrayInputStream(new byte[100_000]), new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("closed");
      }
    });
    assertThatThrownBy(() -> OutputFile.of(target.toString()).write(breaks)).isInstanceOf(CliException.class)
        .hasMessageContaining("closed");
    assertThat(Files.readString(target)).isEqualTo("old\n");
    assertThat(names()).containsExactly("out.ndjson");
  }

  @Test
  @DisplayName("a file in a missing directory is refused before anything runs")
  void missingDirectory() {
    assertThatThrownBy(() -> OutputFile.of(dir.resolve("no/such/out.ndjson").toString()))
        .isInstanceOf(CliException.class).hasMessageContaining("not a writable directory");
  }

  private List<String> names() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }
}
