package dev.fetchbus.archive;

import static dev.fetchbus.archive.ArchiveFixtures.SHARED_BODY;
import static dev.fetchbus.archive.ArchiveFixtures.h;
import static dev.fetchbus.archive.ArchiveFixtures.page;
import static dev.fetchbus.archive.ArchiveFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stream's own promises: offsets, index positions, determinism, the dedupe memory. */
class WarcStreamTest {
  @TempDir Path dir;

  @Test
  void sameInputGivesByteIdenticalOutputAndIndex() {
    WarcStream first = ArchiveFixtures.stream();
    WarcStream second = ArchiveFixtures.stream();
    byte[] a = ArchiveFixtures.warc(first, ArchiveFixtures.pages());
    byte[] b = ArchiveFixtures.warc(second, ArchiveFixtures.pages());
    assertThat(a).isEqualTo(b);
    assertThat(first.cdxLines()).isEqualTo(second.cdxLines());

    // and ids really come from the job: another job's file differs
    byte[] other = ArchiveFixtures.warc(new WarcStream(43, ArchiveFixtures.CREATED, ArchiveFixtures.SOFTWARE,
        ArchiveFixtures.FILENAME), ArchiveFixtures.pages());
    assertThat(other).isNotEqualTo(a);
  }

  @Test
  void offsetCountsEveryByteAndIndexLinesPointAtTheirRecords() throws IOException {
    WarcStream stream = ArchiveFixtures.stream();
    byte[] warc = ArchiveFixtures.warc(stream, ArchiveFixtures.pages());
    assertThat(stream.offset()).isEqualTo(warc.length);

    List<String> lines = stream.cdxLines();
    assertThat(lines).hasSize(13); // 14 pages, one without a response
    for (String line : lines) {
      String json = line.substring(line.indexOf('{'));
      int offset = Integer.parseInt(field(json, "offset"));
      int length = Integer.parseInt(field(json, "length"));
      String record = gunzip(Arrays.copyOfRange(warc, offset, offset + length));
      assertThat(record).startsWith("WARC/1.1\r\n")
          .contains("WARC-Target-URI: " + field(json, "url") + "\r\n")
          .containsPattern("WARC-Type: (response|revisit)\r\n");
    }
  }

  @Test
  void noResponseWritesNothing() {
    WarcStream stream = ArchiveFixtures.stream();
    stream.warcinfo();
    long before = stream.offset();
    ArchivedPage none = ArchiveFixtures.copy(page(1, "https://x.example/", 0, null, List.of(), null),
        "HTTP/1.1", 0, null, List.of(), null, false, false);
    assertThat(stream.append(none)).isEmpty();
    assertThat(stream.offset()).isEqualTo(before);
    assertThat(stream.cdxLines()).isEmpty();
  }

  @Test
  void warcinfoMustOpenTheFile() {
    WarcStream stream = ArchiveFixtures.stream();
    stream.append(page(1, "https://x.example/", 200, "OK", List.of(), utf8("x")));
    Assertions.assertThatIllegalStateException().isThrownBy(stream::warcinfo);
  }

  @Test
  void digestMemoryIsBoundedLeastRecentlyUsedFirst() {
    List<ArchivedPage> pages = List.of(
        page(1, "https://a.example/1", 200, "OK", List.of(), SHARED_BODY),
        page(2, "https://a.example/2", 200, "OK", List.of(), utf8("something else")),
        page(3, "https://a.example/3", 200, "OK", List.of(), SHARED_BODY));
    assertThat(types(pages, 2)).containsExactly("response", "response", "revisit");
    assertThat(types(pages, 1)).containsExactly("response", "response", "response");
    assertThat(types(pages, 0)).containsExactly("response", "response", "response");

    // a hit refreshes a digest: with room for two, Y (unused longest) goes, not X (first written)
    byte[] y = utf8("body Y");
    List<ArchivedPage> lru = List.of(
        page(1, "https://a.example/1", 200, "OK", List.of(), SHARED_BODY),
        page(2, "https://a.example/2", 200, "OK", List.of(), y),
        page(3, "https://a.example/3", 200, "OK", List.of(), SHARED_BODY),
        page(4, "https://a.example/4", 200, "OK", List.of(), utf8("body Z")),
        page(5, "https://a.example/5", 200, "OK", List.of(), SHARED_BODY),
        page(6, "https://a.example/6", 200, "OK", List.of(), y));
    assertThat(types(lru, 2)).containsExactly("response", "response", "revisit", "response", "revisit", "response");
  }

  @Test
  void emptyAndTruncatedPayloadsAreNeverRevisits() {
    byte[] cut = utf8("the first bytes of something longer");
    ArchivedPage truncated = ArchiveFixtures.copy(page(3, "https://a.example/3", 200, "OK", List.of(), cut),
        "HTTP/1.1", 200, "OK", List.of(), cut, true, false);
    List<ArchivedPage> pages = List.of(
        page(1, "https://a.example/1", 204, "No Content", List.of(), null),
        page(2, "https://a.example/2", 200, "OK", List.of(h("Content-Length", "0")), new byte[0]),
        truncated,
        page(4, "https://a.example/4", 200, "OK", List.of(), cut));
    assertThat(types(pages, 100)).containsExactly("response", "response", "response", "response");
  }

  private static List<String> types(List<ArchivedPage> pages, int memory) {
    WarcStream stream = new WarcStream(1, Instant.EPOCH, "t", "t.warc.gz", memory);
    List<String> types = new ArrayList<>();
    for (ArchivedPage p : pages) {
      String records = gunzip(stream.append(p));
      types.add(records.contains("WARC-Type: revisit\r\n") ? "revisit" : "response");
    }
    return types;
  }

  static String gunzip(byte[] members) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(members))) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A string field of a flat JSON object with plain values, enough for CDXJ blocks. */
  static String field(String json, String name) {
    String key = "\"" + name + "\":\"";
    int start = json.indexOf(key);
    if (start < 0) {
      return null;
    }
    start += key.length();
    return json.substring(start, json.indexOf('"', start));
  }

  static Path writeFixtureWarc(Path dir, WarcStream stream) throws IOException {
    Path file = dir.resolve(ArchiveFixtures.FILENAME);
    Files.write(file, ArchiveFixtures.warc(stream, ArchiveFixtures.pages()));
    return file;
  }
}
