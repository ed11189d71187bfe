package dev.fetchbus.content;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdException;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Compression of stored bodies. CPU work: call it on a worker thread. Each stored body names its
 * codec, so a node can change {@code store.compression} without making older bodies unreadable.
 *
 * <p>zstd is the default: on HTML it compresses better than the JDK's Deflater at several times
 * the speed (docs/benchmarks.md, "Body compression"). PostgreSQL is told not to compress the column
 * again (storage external).
 */
public enum BodyCodec {
  ZSTD("zstd"), DEFLATE("deflate"), NONE("none");

  private final String id;

  BodyCodec(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static BodyCodec of(String id) {
    for (BodyCodec codec : values()) {
      if (codec.id.equals(id.toLowerCase(Locale.ROOT))) {
        return codec;
      }
    }
    throw new IllegalArgumentException("store.compression must be zstd, deflate or none, got '" + id + "'");
  }

  /**
   * Compresses a body for the content store. A body that zstd cannot shrink by an eighth (images,
   * archives, anything compressed already) is kept as it is, codec {@code none}: the attempt gets
   * seven eighths of the body's length to write in, not more than the body, and no copy is made.
   * It writes into the thread's scratch array and copies out what it wrote: a new array per body
   * was zeroed first, about a tenth of the compression's time.
   */
  public StoredBody store(byte[] body, String sha256, int level) {
    if (this != ZSTD) {
      return new StoredBody(sha256, id, body.length, compress(body, level));
    }
    int limit = body.length - body.length / 8;
    byte[] out = limit <= SCRATCH_BYTES ? SCRATCH.get() : new byte[limit];
    try {
      ZstdCompressCtx context = ZSTD_CONTEXTS.get();
      context.setLevel(level);
      int size = context.compressByteArray(out, 0, limit, body, 0, body.length);
      return new StoredBody(sha256, id, body.length, Arrays.copyOf(out, size));
    } catch (ZstdException e) {
      return new StoredBody(sha256, NONE.id, body.length, body);
    }
  }

  public byte[] compress(byte[] body, int level) {
    return switch (this) {
      case ZSTD -> zstd(body, level);
      case DEFLATE -> deflate(body, level);
      case NONE -> body;
    };
  }

  /** Bodies up to this size are compressed in the thread's scratch array (larger ones get their own). */
  private static final int SCRATCH_BYTES = 256 * 1024;

  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[SCRATCH_BYTES]);

  /**
   * One zstd context per thread, reused: {@code Zstd.compress} allocates and frees a native context
   * (window and tables) on every call, about a sixth of the time of compressing a 14 KB page. The
   * callers are the CPU pool's few threads, so the contexts are few and live as long as the pool.
   */
  private static final ThreadLocal<ZstdCompressCtx> ZSTD_CONTEXTS = ThreadLocal.withInitial(ZstdCompressCtx::new);

  private static byte[] zstd(byte[] body, int level) {
    ZstdCompressCtx context = ZSTD_CONTEXTS.get();
    context.setLevel(level);
    return context.compress(body);
  }

  /** The original bytes of a stored body; {@code size} is its length before compression. */
  public static byte[] decompress(String codec, byte[] data, long size) {
    return switch (of(codec)) {
      case ZSTD -> Zstd.decompress(data, Math.toIntExact(size));
      case DEFLATE -> inflate(data, Math.toIntExact(size));
      case NONE -> data;
    };
  }

  private static byte[] deflate(byte[] body, int level) {
    Deflater deflater = new Deflater(Math.max(0, Math.min(9, level)));
    try {
      deflater.setInput(body);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 3));
      byte[] chunk = new byte[16 * 1024];
      while (!deflater.finished()) {
        out.write(chunk, 0, deflater.deflate(chunk));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private static byte[] inflate(byte[] data, int size) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(data);
      byte[] out = new byte[size];
      int n = 0;
      while (n < size && !inflater.finished()) {
        n += inflater.inflate(out, n, size - n);
        if (n < size && inflater.needsInput()) {
          break;
        }
      }
      if (n != size) {
        throw new IllegalStateException("stored body is corrupt: " + n + " of " + size + " bytes inflated");
      }
      return out;
    } catch (DataFormatException e) {
      throw new IllegalStateException("stored body is corrupt", e);
    } finally {
      inflater.end();
    }
  }
}
