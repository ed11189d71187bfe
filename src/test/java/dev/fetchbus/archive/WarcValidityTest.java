package dev.fetchbus.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.Tools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netpreserve.jwarc.HttpResponse;
import org.netpreserve.jwarc.MediaType;
import org.netpreserve.jwarc.MessageBody;
import org.netpreserve.jwarc.WarcCompression;
import org.netpreserve.jwarc.WarcDigest;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcRequest;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcRevisit;
import org.netpreserve.jwarc.WarcWriter;

/** The file is a valid WARC to jwarc's validator and reads back to exactly what was stored. */
class WarcValidityTest {
  /** warcinfo + request and response/revisit for each of the 13 pages that got a response. */
  private static final int RECORDS = 1 + 2 * 13;
  /** Responses with a payload of their own: all but the 304 and the repeated body. */
  private static final int RESPONSES = 11;

  @TempDir Path dir;
  private Path warc;
  private final Map<String, ArchivedPage> pages = new HashMap<>();

  @BeforeEach
  void write() throws Exception {
    warc = WarcStreamTest.writeFixtureWarc(dir, ArchiveFixtures.stream());
    for (ArchivedPage page : ArchiveFixtures.pages()) {
      pages.put(TargetUri.toAscii(page.url()), page);
    }
  }

  @Test
  void jwarcValidatorAcceptsTheFileAndChecksEveryDigest() throws Exception {
    Tools.Result result = validate(warc);
    assertThat(result.err()).as("validator stderr").isBlank();
    assertThat(result.out()).as("validator output").doesNotContain("ERROR").doesNotContain("failed");
    assertThat(result.exit()).as("validator exit\n" + result.out()).isZero();
    // -v says which digests it checked: every record's block, every response's payload
    assertThat(count(result.out(), "block digest pass")).isEqualTo(RECORDS);
    assertThat(count(result.out(), "payload digest pass")).isEqualTo(RESPONSES);
  }

  @Test
  void jwarcValidatorRejectsAWrongDigest() throws Exception {
    // proves the subprocess check above can fail: one response whose payload digest lies
    Path bad = dir.resolve("bad.warc.gz");
    try (WarcWriter writer = new WarcWriter(Files.newByteChannel(bad,
        StandardOpenOption.CREATE, StandardOpenOption.WRITE), WarcCompression.GZIP)) {
      HttpResponse http = new HttpResponse.Builder(200, "OK")
          .body(MediaType.parse("text/plain"), "hello".getBytes()).build();
      writer.write(new WarcResponse.Builder("https://bad.example/").body(http)
          .payloadDigest(CaptureRecords.sha1("other".getBytes())).build());
    }
    Tools.Result result = validate(bad);
    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out() + result.err()).contains("payload digest failed");
  }

  @Test
  void readsBackWithJwarcToTheStoredBytesAndHeaders() throws Exception {
    Set<String> ids = new HashSet<>();
    Map<String, WarcRecord> captures = new HashMap<>();
    int records = 0;
    try (WarcReader reader = new WarcReader(warc)) {
      reader.calculateBlockDigest();
      for (WarcRecord record : reader) {
        records++;
        assertThat(ids.add(record.id().toString())).as("unique id %s", record.id()).isTrue();
        assertThat(record.version().toString()).isEqualTo("WARC/1.1");
        if (record instanceof WarcResponse response) {
          checkResponse(response);
          captures.put(response.target(), response);
        } else if (record instanceof WarcRevisit revisit) {
          revisit.body().consume();
          captures.put(revisit.target(), revisit);
        } else if (record instanceof WarcRequest request) {
          checkRequest(request);
        } else {
          record.body().consume();
        }
        assertThat(record.calculatedBlockDigest()).as("block digest of %s", record.id())
            .isEqualTo(record.blockDigest());
      }
    }
    assertThat(records).isEqualTo(RECORDS);
    assertThat(captures).doesNotContainKey("https://unreachable.example/");
    checkRevisits();
  }

  private void checkResponse(WarcResponse response) throws Exception {
    ArchivedPage page = pages.get(response.target());
    HttpResponse http = response.http();
    assertThat(http.status()).isEqualTo(page.status());
    byte[] payload = readAll(http.body());
    assertThat(payload).as("payload of %s", response.target()).isEqualTo(page.payload());
    MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
    sha1.update(payload);
    assertThat(response.payloadDigest()).contains(new WarcDigest(sha1));
    assertThat(response.payloadDigest().orElseThrow().toString()).startsWith("sha1:");
    // the payload is stored decoded: no header may claim an encoding, the length is the kept one
    assertThat(http.headers().all("Content-Length")).containsExactly(Integer.toString(payload.length));
    assertThat(http.headers().first("Content-Encoding")).isEmpty();
    assertThat(http.headers().first("Transfer-Encoding")).isEmpty();
    assertThat(response.headers().first("WARC-Truncated")).isEqualTo(
        page.truncated() ? Optional.of("length") : Optional.empty());
    String head = new String(http.serializeHeader(), StandardCharsets.ISO_8859_1);
    switch (page.url()) {
      case "https://example.com/new/page?b=2&a=1" -> assertThat(head)
          .contains("X-Archive-Orig-Content-Encoding: gzip\r\nX-Archive-Orig-Content-Length: 31\r\n");
      case "https://example.com/chunked" -> assertThat(head).contains("X-Archive-Orig-transfer-encoding: chunked\r\n");
      case "https://example.com/big.bin" -> assertThat(head).contains("X-Archive-Orig-Content-Length: 50000\r\n");
      case "https://www2.example.com/h2" -> assertThat(head).startsWith("HTTP/2.0 200 \r\n");
      case "https://example.com/" -> assertThat(head).contains( // order as received, repeats kept
          "Set-Cookie: a=1\r\nServer: nginx\r\nSet-Cookie: b=2\r\n");
      default -> { }
    }
  }

  private void checkRequest(WarcRequest request) throws Exception {
    ArchivedPage page = pages.get(request.target());
    assertThat(request.http().method()).isEqualTo("GET");
    URI uri = URI.create(request.target());
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    assertThat(request.http().target()).isEqualTo(uri.getRawPath() + query);
    assertThat(request.concurrentTo()).hasSize(1);
    String head = new String(request.http().serializeHeader(), StandardCharsets.ISO_8859_1);
    StringBuilder expected = new StringBuilder();
    for (Map.Entry<String, String> header : page.requestHeaders()) {
      expected.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
    }
    assertThat(head).contains("\r\nHost: " + uri.getRawAuthority() + "\r\n" + expected + "\r\n");
    request.body().consume();
  }

  /** Record by record, so the 304 and the repeated body are checked against what they refer to. */
  private void checkRevisits() throws Exception {
    WarcResponse first = null;
    WarcRevisit copy = null;
    WarcRevisit notModified = null;
    try (WarcReader reader = new WarcReader(warc)) {
      for (WarcRecord record : reader) {
        if (record instanceof WarcResponse r && r.target().equals("https://example.com/copy-a")) {
          first = r;
        } else if (record instanceof WarcRevisit r && r.target().equals("https://example.org/copy-b?x=1")) {
          copy = r;
        } else if (record instanceof WarcRevisit r && r.target().equals("https://example.com/cached.css")) {
          notModified = r;
        }
        if (record instanceof WarcRevisit r) {
          assertThat(r.http().status()).isIn(200, 304); // HTTP headers are there, the payload is not
        }
      }
    }
    assertThat(first).isNotNull();
    assertThat(copy).isNotNull();
    assertThat(copy.profile()).isEqualTo(WarcRevisit.IDENTICAL_PAYLOAD_DIGEST_1_1);
    assertThat(copy.refersTo()).contains(first.id());
    assertThat(copy.refersToTargetURI()).contains(URI.create(first.target()));
    assertThat(copy.refersToDate()).contains(first.date());
    assertThat(copy.payloadDigest()).isEqualTo(first.payloadDigest());

    assertThat(notModified).isNotNull();
    assertThat(notModified.profile()).isEqualTo(WarcRevisit.SERVER_NOT_MODIFIED_1_1);
    assertThat(notModified.payloadDigest()).isEmpty();
    assertThat(notModified.headers().first("WARC-Refers-To")).isEmpty();
  }

  private Tools.Result validate(Path file) throws Exception {
    return ExternalTools.run(dir, List.of(ExternalTools.java(), "-jar", ExternalTools.jwarcJar().toString(),
        "validate", "-v", file.toString()));
  }

  private static byte[] readAll(MessageBody body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    while (body.read(buffer) >= 0) {
      buffer.flip();
      out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
      buffer.clear();
    }
    return out.toByteArray();
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
