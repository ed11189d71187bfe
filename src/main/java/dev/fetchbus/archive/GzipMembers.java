package dev.fetchbus.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import org.netpreserve.jwarc.WarcCompression;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcWriter;

/**
 * Serialises WARC records, each as its own gzip member (the WARC spec's record-at-a-time
 * compression, which lets a reader seek to any record by its offset). jwarc's gzip writer puts a
 * zero mtime and no file name in every member header and deflates at a fixed level, so the same
 * record always gives the same bytes. One writer is reused: its deflater is reset after each
 * member, and the members are taken out of the in-memory sink one at a time.
 */
final class GzipMembers {
  private final ByteArrayOutputStream sink = new ByteArrayOutputStream();
  private final WarcWriter writer;

  GzipMembers() {
    try {
      writer = new WarcWriter(Channels.newChannel(sink), WarcCompression.GZIP);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The gzip member holding this record. */
  byte[] member(WarcRecord record) {
    try {
      writer.write(record);
    } catch (IOException e) {
      // the sink is memory and the record bodies are byte arrays: this is a bug, not an I/O failure
      throw new UncheckedIOException(e);
    }
    byte[] bytes = sink.toByteArray();
    sink.reset();
    return bytes;
  }
}
