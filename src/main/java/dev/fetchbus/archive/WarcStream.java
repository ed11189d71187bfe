package dev.fetchbus.archive;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.netpreserve.jwarc.WarcDigest;
import org.netpreserve.jwarc.WarcRecord;

/**
 * One WARC/1.1 file of a job, produced piece by piece: {@link #warcinfo()} first, then
 * {@link #append} for each stored page in cursor order; the caller concatenates the returned bytes
 * into the file. Every record is its own gzip member. The output is a pure function of the
 * constructor arguments and the pages in order, so the same export always gives the same bytes
 * and the same {@link #cdxLines() CDXJ index}, and the index can be built without keeping the file.
 * Not thread-safe: one stream is fed by one reader of a job's pages.
 */
public final class WarcStream {
  /** Payload digests remembered for revisits; about 200 bytes each. */
  public static final int DEFAULT_DIGEST_MEMORY = 100_000;

  private final Instant createdAt;
  private final String software;
  private final String filename;
  private final CaptureRecords records;
  private final PayloadMemory payloads;
  private final GzipMembers gzip = new GzipMembers();
  private final List<String> cdx = new ArrayList<>();
  private long offset;

  public WarcStream(long jobId, Instant createdAt, String software, String filename) {
    this(jobId, createdAt, software, filename, DEFAULT_DIGEST_MEMORY);
  }

  /** With a chosen bound on the remembered payload digests (0: never write digest revisits). */
  public WarcStream(long jobId, Instant createdAt, String software, String filename, int digestMemory) {
    this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
    this.software = Objects.requireNonNull(software, "software");
    this.filename = Objects.requireNonNull(filename, "filename");
    this.records = new CaptureRecords(jobId);
    this.payloads = new PayloadMemory(digestMemory);
  }

  /**
   * The warcinfo record, which opens the file. Must come first (the CDXJ offsets count from the
   * start of the file, and later records name it in WARC-Warcinfo-ID).
   */
  public byte[] warcinfo() {
    if (offset != 0) {
      throw new IllegalStateException("warcinfo must be the first record of the file");
    }
    return write(records.warcinfo(createdAt, filename, warcinfoFields()));
  }

  /**
   * The records of one page: a request, then a response or a revisit. No bytes for a page that
   * got no response (status 0).
   */
  public byte[] append(ArchivedPage page) {
    if (page.status() == 0) {
      return new byte[0];
    }
    URI target = TargetUri.of(page.url());
    String cursor = Long.toString(page.cursor());
    Capture capture = capture(page, target, cursor);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(write(records.request(page, target, capture.id())));
    long captureOffset = offset;
    byte[] member = write(capture.record());
    out.writeBytes(member);
    cdx.add(Cdxj.line(new Cdxj.Entry(target.toString(), page.fetchedAt(), capture.mime(), page.status(),
        capture.payloadDigest(), member.length, captureOffset, filename)));
    return out.toByteArray();
  }

  /** Bytes returned so far: the offset in the file of the next record. */
  public long offset() {
    return offset;
  }

  /** One CDXJ line per response or revisit record written, sorted as a CDXJ file is. */
  public List<String> cdxLines() {
    List<String> sorted = new ArrayList<>(cdx);
    sorted.sort(Cdxj.ORDER);
    return sorted;
  }

  public String filename() {
    return filename;
  }

  /** The response or revisit record of a page, and what its index line says about it. */
  private record Capture(URI id, WarcRecord record, String mime, String payloadDigest) {}

  private Capture capture(ArchivedPage page, URI target, String cursor) {
    if (page.notModified()) {
      URI id = records.recordId(cursor, "revisit");
      byte[] head = HttpBlocks.responseHead(page, HttpBlocks.archivedResponseHeaders(page, -1));
      return new Capture(id, records.notModified(page, target, id, head), "warc/revisit", null);
    }
    byte[] payload = page.payload();
    List<Map.Entry<String, String>> headers = HttpBlocks.archivedResponseHeaders(page, payload.length);
    byte[] head = HttpBlocks.responseHead(page, headers);
    WarcDigest digest = CaptureRecords.sha1(payload);
    String digestText = digest.prefixedBase32();
    PayloadMemory.FirstCapture first = dedupes(page) ? payloads.find(digestText) : null;
    if (first != null) {
      URI id = records.recordId(cursor, "revisit");
      return new Capture(id, records.duplicate(page, target, id, head, digest, first), "warc/revisit", digestText);
    }
    URI id = records.recordId(cursor, "response");
    if (dedupes(page)) {
      payloads.remember(digestText, new PayloadMemory.FirstCapture(id, target, page.fetchedAt()));
    }
    return new Capture(id, records.response(page, target, id, head, digest), Cdxj.mime(headers), digestText);
  }

  /**
   * Only whole, non-empty payloads take part in dedupe: a revisit of an empty body saves nothing,
   * and a truncated body is not the resource's payload, so neither refers nor is referred to.
   */
  private static boolean dedupes(ArchivedPage page) {
    return !page.truncated() && page.payload().length > 0;
  }

  private byte[] write(WarcRecord record) {
    byte[] member = gzip.member(record);
    offset += member.length;
    return member;
  }

  private byte[] warcinfoFields() {
    String fields = "software: " + software + "\r\n"
        + "format: WARC File Format 1.1\r\n"
        + "conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n";
    return fields.getBytes(StandardCharsets.UTF_8);
  }
}
