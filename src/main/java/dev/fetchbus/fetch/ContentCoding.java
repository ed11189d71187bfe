package dev.fetchbus.fetch;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * The content codings fetchbus asks for ({@code Accept-Encoding: gzip, deflate}) and undoes itself.
 * The HTTP clients hand bodies over as they came on the wire and the decoding runs on the CPU pool,
 * in the same hop as the page's hash and extraction: inflating in the client's pipeline ran on the
 * event loops, chunk by chunk, and cost them 0.12 ms a page of the PostgreSQL manual served with
 * nginx's {@code gzip on} (docs/benchmarks.md, "Compressed responses off the event loops").
 * A coding we did not ask for (br, zstd) is kept as received, as the clients did before.
 */
enum ContentCoding {
  GZIP,
  DEFLATE;

  /** The largest ratio deflate reaches (RFC 1951 blocks), so a gzip size field beyond it is a lie. */
  private static final long MAX_RATIO = 1032;
  private static final int MIN_BUFFER = 8 * 1024;
  private static final int MAX_INPUT_BUFFER = 64 * 1024;

  /** A decoded body and whether it stops short of the whole: cut at the cap, or its coded bytes were cut. */
  record Decoded(byte[] body, boolean truncated) {}

  /** The coding a Content-Encoding header names that we undo; null for none, identity, or one kept as received. */
  static ContentCoding of(String contentEncoding) {
    if (contentEncoding == null) {
      return null;
    }
    return switch (contentEncoding.strip().toLowerCase(Locale.ROOT)) {
      case "gzip", "x-gzip" -> GZIP;
      case "deflate", "x-deflate" -> DEFLATE;
      default -> null;
    };
  }

  /**
   * The body {@code coded} stands for, at most {@code maxBytes} of it. {@code cut}: the coded bytes
   * were themselves cut at the cap, so their stream ends early and the body is truncated whatever
   * decodes. A stream that ends early without that keeps what decoded, as browsers show it.
   *
   * @throws FetchFailure of type {@code protocol} when the bytes are not of this coding
   */
  Decoded decode(byte[] coded, int maxBytes, boolean cut) {
    if (coded.length == 0) {
      return new Decoded(coded, cut);
    }
    Inflater inflater = this == DEFLATE ? deflateInflater(coded) : null;
    Output out = new Output(sizeHint(coded, maxBytes, cut), maxBytes);
    ByteArrayInputStream bytes = new ByteArrayInputStream(coded);
    try (InputStream in = inflater == null ? new GZIPInputStream(bytes, inputBuffer(coded))
        : new InflaterInputStream(bytes, inflater, inputBuffer(coded))) {
      out.readFrom(in);
    } catch (EOFException early) {
      // the stream stops short; what decoded is kept
    } catch (IOException e) {
      throw new FetchFailure(FetchError.PROTOCOL,
          "the " + name().toLowerCase(Locale.ROOT) + " body does not decode: " + e.getMessage());
    } finally {
      if (inflater != null) {
        inflater.end();
      }
    }
    return new Decoded(out.body(), cut || out.overCap());
  }

  /**
   * RFC 9110's "deflate" is a zlib stream (RFC 1950), but some servers send raw deflate (RFC 1951):
   * the zlib header (method 8, a check value divisible by 31) tells them apart, as browsers do.
   */
  private static Inflater deflateInflater(byte[] coded) {
    boolean zlib = coded.length >= 2 && (coded[0] & 0x0F) == 8
        && (((coded[0] & 0xFF) << 8) | (coded[1] & 0xFF)) % 31 == 0;
    return new Inflater(!zlib);
  }

  private static int inputBuffer(byte[] coded) {
    return Math.max(512, Math.min(MAX_INPUT_BUFFER, coded.length));
  }

  /**
   * The size to allocate first: a whole gzip body names its size in its last four bytes (of its last
   * member; modulo 2^32), believed when it is plausible and under the cap, so that the common case
   * fills one array of exactly the body's length. Otherwise a guess that grows by doubling.
   */
  private int sizeHint(byte[] coded, int maxBytes, boolean cut) {
    if (this == GZIP && !cut && coded.length >= 18) {
      int at = coded.length - 4;
      long size = (coded[at] & 0xFFL) | (coded[at + 1] & 0xFFL) << 8 | (coded[at + 2] & 0xFFL) << 16
          | (coded[at + 3] & 0xFFL) << 24;
      if (size > 0 && size <= maxBytes && size <= coded.length * MAX_RATIO) {
        return (int) size;
      }
    }
    return (int) Math.min((long) maxBytes + 1, Math.max(MIN_BUFFER, 4L * coded.length));
  }

  /** The decoded bytes: one array, grown by doubling only when the first size was short, read to the cap plus one. */
  private static final class Output {
    private final int maxBytes;
    private byte[] bytes;
    private int length;

    Output(int size, int maxBytes) {
      this.bytes = new byte[Math.max(1, size)];
      this.maxBytes = maxBytes;
    }

    void readFrom(InputStream in) throws IOException {
      while (length <= maxBytes) {
        if (length == bytes.length) {
          // full at the size guessed: one byte says whether there is more, without growing for nothing
          int next = in.read();
          if (next < 0) {
            return;
          }
          bytes = Arrays.copyOf(bytes, (int) Math.min((long) maxBytes + 1, 2L * bytes.length));
          bytes[length++] = (byte) next;
          continue;
        }
        int read = in.read(bytes, length, bytes.length - length);
        if (read < 0) {
          return;
        }
        length += read;
      }
    }

    boolean overCap() {
      return length > maxBytes;
    }

    byte[] body() {
      int kept = Math.min(length, maxBytes);
      return kept == bytes.length ? bytes : Arrays.copyOf(bytes, kept);
    }
  }
}
