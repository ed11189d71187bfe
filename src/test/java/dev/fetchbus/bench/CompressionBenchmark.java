package dev.fetchbus.bench;

import dev.fetchbus.content.BodyCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The body-compression comparison behind docs/benchmarks.md ("Body compression"): every HTML file
 * under {@code bench.dir} (default: the PostgreSQL manual from Debian's postgresql-doc-15)
 * compressed one by one, as the content store compresses bodies, with zstd and the JDK's
 * Deflater at several levels. Prints the ratio and the CPU cost per page. Asserts nothing about
 * time; excluded from the test suite (tag "bench"), run by scripts/bench-jvm CompressionBenchmark.
 */
@Tag("bench")
@DisplayName("Body compression benchmark")
class CompressionBenchmark {
  private static final Path DIR = Path.of(System.getProperty("bench.dir", "/usr/share/doc/postgresql-doc-15/html"));
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);

  @Test
  @DisplayName("zstd against Deflater on real pages")
  void compare() throws IOException {
    List<byte[]> pages;
    try (Stream<Path> files = Files.walk(DIR)) {
      pages = files.filter(p -> p.toString().endsWith(".html")).map(CompressionBenchmark::read).toList();
    }
    long raw = pages.stream().mapToLong(p -> p.length).sum();
    System.out.printf("BENCH compression pages=%d rawBytes=%d meanPageBytes=%d dir=%s%n", pages.size(), raw,
        raw / pages.size(), DIR);
    for (int round = 0; round < 2; round++) { // warm-up: let the JIT compile both paths
      run(pages, BodyCodec.ZSTD, 3, false);
      run(pages, BodyCodec.DEFLATE, 6, false);
    }
    for (Object[] codec : new Object[][] {{BodyCodec.ZSTD, 1}, {BodyCodec.ZSTD, 3}, {BodyCodec.ZSTD, 9},
        {BodyCodec.DEFLATE, 1}, {BodyCodec.DEFLATE, 6}, {BodyCodec.DEFLATE, 9}}) {
      run(pages, (BodyCodec) codec[0], (Integer) codec[1], true);
    }
  }

  private static void run(List<byte[]> pages, BodyCodec codec, int level, boolean print) {
    long best = Long.MAX_VALUE;
    long stored = 0;
    long decompressNanos = Long.MAX_VALUE;
    for (int r = 0; r < ROUNDS; r++) {
      long start = System.nanoTime();
      stored = 0;
      byte[][] compressed = new byte[pages.size()][];
      for (int i = 0; i < pages.size(); i++) {
        compressed[i] = codec.compress(pages.get(i), level);
        stored += compressed[i].length;
      }
      best = Math.min(best, System.nanoTime() - start);
      long back = System.nanoTime();
      for (int i = 0; i < pages.size(); i++) {
        BodyCodec.decompress(codec.id(), compressed[i], pages.get(i).length);
      }
      decompressNanos = Math.min(decompressNanos, System.nanoTime() - back);
    }
    if (print) {
      long raw = pages.stream().mapToLong(p -> p.length).sum();
      System.out.printf("BENCH compression codec=%s level=%d storedBytes=%d ratio=%.2f compressUsPerPage=%.1f "
              + "decompressUsPerPage=%.1f compressMBps=%.0f%n", codec.id(), level, stored, (double) raw / stored,
          best / 1000.0 / pages.size(), decompressNanos / 1000.0 / pages.size(), raw / (best / 1e9) / 1e6);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
