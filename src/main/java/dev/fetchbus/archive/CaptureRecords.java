package dev.fetchbus.archive;

import java.io.ByteArrayInputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.UUID;
import org.netpreserve.jwarc.MediaType;
import org.netpreserve.jwarc.MessageVersion;
import org.netpreserve.jwarc.WarcDigest;
import org.netpreserve.jwarc.WarcRequest;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcRevisit;
import org.netpreserve.jwarc.WarcTargetRecord;
import org.netpreserve.jwarc.WarcTruncationReason;
import org.netpreserve.jwarc.Warcinfo;

/**
 * Builds the jwarc records of one job's stream. Everything that would normally be random or the
 * clock's (record ids, dates) is derived from the inputs, so the same pages give the same bytes.
 * Digests are SHA-1 in base32 ({@code sha1:…}): the form Heritrix, wget, warcprox and pywb write,
 * the one CDX digest fields and replay-time dedupe expect, and one jwarc validate and warcio both
 * verify.
 */
final class CaptureRecords {
  private final long jobId;
  private URI warcinfoId;

  CaptureRecords(long jobId) {
    this.jobId = jobId;
  }

  /** A name-based (v3) UUID of job, cursor or name, and record type: stable across runs and nodes. */
  URI recordId(String part, String type) {
    String name = jobId + "/" + part + "/" + type;
    return URI.create("urn:uuid:" + UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)));
  }

  Warcinfo warcinfo(Instant createdAt, String filename, byte[] fields) {
    warcinfoId = recordId(filename, "warcinfo");
    return new Warcinfo.Builder()
        .version(MessageVersion.WARC_1_1)
        .recordId(warcinfoId)
        .date(createdAt)
        .filename(filename)
        .blockDigest(sha1(fields))
        .body(MediaType.WARC_FIELDS, fields)
        .build();
  }

  WarcRequest request(ArchivedPage page, URI target, URI concurrentTo) {
    byte[] head = HttpBlocks.requestHead(page, target);
    WarcRequest.Builder builder = new WarcRequest.Builder(target)
        .version(MessageVersion.WARC_1_1)
        .recordId(recordId(Long.toString(page.cursor()), "request"))
        .date(page.fetchedAt())
        .concurrentTo(concurrentTo)
        .blockDigest(sha1(head))
        .body(MediaType.HTTP_REQUEST, head);
    return withWarcinfo(builder).build();
  }

  WarcResponse response(ArchivedPage page, URI target, URI id, byte[] head, WarcDigest payloadDigest) {
    byte[] payload = page.payload();
    WarcResponse.Builder builder = new WarcResponse.Builder(target)
        .version(MessageVersion.WARC_1_1)
        .recordId(id)
        .date(page.fetchedAt())
        .blockDigest(sha1(head, payload))
        .payloadDigest(payloadDigest)
        .body(MediaType.HTTP_RESPONSE, Channels.newChannel(new SequenceInputStream(
            new ByteArrayInputStream(head), new ByteArrayInputStream(payload))), head.length + (long) payload.length);
    if (page.truncated()) {
      builder.truncated(WarcTruncationReason.LENGTH);
    }
    return withWarcinfo(builder).build();
  }

  /** The origin said 304: only its headers are kept, the payload is an earlier capture's. */
  WarcRevisit notModified(ArchivedPage page, URI target, URI id, byte[] head) {
    WarcRevisit.Builder builder = revisit(page, target, id, head, WarcRevisit.SERVER_NOT_MODIFIED_1_1);
    return withWarcinfo(builder).build();
  }

  /** The payload was already written in this stream: keep the headers, point at the first copy. */
  WarcRevisit duplicate(ArchivedPage page, URI target, URI id, byte[] head, WarcDigest payloadDigest,
      PayloadMemory.FirstCapture first) {
    WarcRevisit.Builder builder = revisit(page, target, id, head, WarcRevisit.IDENTICAL_PAYLOAD_DIGEST_1_1)
        .refersTo(first.recordId(), first.targetUri(), first.date())
        .payloadDigest(payloadDigest);
    return withWarcinfo(builder).build();
  }

  private WarcRevisit.Builder revisit(ArchivedPage page, URI target, URI id, byte[] head, URI profile) {
    return new WarcRevisit.Builder(target, profile)
        .version(MessageVersion.WARC_1_1)
        .recordId(id)
        .date(page.fetchedAt())
        .blockDigest(sha1(head))
        .body(MediaType.HTTP_RESPONSE, head);
  }

  private <R extends WarcTargetRecord, B extends WarcTargetRecord.Builder<R, B>> B withWarcinfo(B builder) {
    return warcinfoId == null ? builder : builder.warcinfoId(warcinfoId);
  }

  static WarcDigest sha1(byte[]... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-1");
      for (byte[] part : parts) {
        digest.update(part);
      }
      return new WarcDigest(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }
}
