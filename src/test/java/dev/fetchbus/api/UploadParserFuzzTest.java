package dev.fetchbus.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fetchbus.extract.UrlNormalizer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.compression.ZlibWrapper;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.core.streams.ReadStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.zip.CRC32;

/**
 * Fuzzes the text/plain upload path (issue #11) on arbitrary bytes, plain or gzip: the body is cut
 * into lines by Vert.x's {@link RecordParser} exactly as {@code JobRoutes.streamLines} sets it up,
 * {@link UploadBatch} counts, caps and drops blank and comment lines, and
 * {@link UrlIngest#normalize(List, long[], int)} normalises each batch; no server or database. A
 * body that starts with the gzip magic is also read through Netty's gzip decoder, the one the API's
 * server puts in front of the request ({@code setDecompressionSupported}).
 *
 * <p>Each body runs with the limits of a default node (a gzip body once more, decompressed), and
 * with tight limits derived from the body (lines, decompressed bytes, line length), so the caps are
 * hit; in chunks of a size derived from the body too. Checked against a model
 * written from the documented behaviour, not just "no crash": the only failures are a 413 at the
 * first line past {@code maxLines} or {@code maxBytes} (or a line too long, or a corrupt gzip stream),
 * no line after it becomes work; every other line counts; blank and comment lines are skipped;
 * every other line is normalised once, in order, with its line number, and what is accepted is a
 * normalised URL (normalising it again changes nothing); rejected samples are short and NUL-free.
 *
 * <p>Seeds: {@code src/test/resources/dev/fetchbus/api/UploadParserFuzzTestInputs/upload/}, one
 * upload body per file.
 */
class UploadParserFuzzTest {
  /** {@code JobRoutes.MAX_LINE_BYTES}. */
  private static final int MAX_LINE_BYTES = 1024 * 1024;
  /** {@code http.maxUploadLines} and {@code http.maxUploadBytes} of conf/fetchbus.json. */
  private static final long MAX_LINES = 100_000_000;
  private static final long MAX_BYTES = 21_474_836_480L;
  private static final int PARTITIONS = 16;

  @FuzzTest(maxDuration = "20s")
  void upload(byte[] body) {
    CRC32 crc = new CRC32();
    crc.update(body);
    long h = crc.getValue();
    // chunks of 1 to 97 bytes for a small body; a large one arrives in larger pieces, as off a socket
    int chunk = 1 + (int) (h % 97) * Math.max(1, body.length / 4096);
    check(body, null, MAX_LINES, MAX_BYTES, MAX_LINE_BYTES, chunk);
    if (body.length >= 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b) {
      Gunzipped plain = gunzip(body);
      body = plain.bytes;
      chunk = 1 + (int) (h % 97) * Math.max(1, body.length / 4096);
      check(body, plain.failure, MAX_LINES, MAX_BYTES, MAX_LINE_BYTES, chunk);
    }
    long lines = 1 + count(body, (byte) '\n');
    check(body, null, 1 + (h >>> 8) % lines, 1 + (h >>> 16) % (body.length + 2), 1 + (int) ((h >>> 24) % 200), chunk);
  }

  /** Netty's gzip decoder, as the server runs it: what it decoded before any failure, and the failure. */
  private record Gunzipped(byte[] bytes, Throwable failure) {}

  private static Gunzipped gunzip(byte[] body) {
    EmbeddedChannel channel = new EmbeddedChannel(ZlibCodecFactory.newZlibDecoder(ZlibWrapper.GZIP));
    Throwable failure = null;
    try {
      channel.writeInbound(Unpooled.wrappedBuffer(body));
    } catch (RuntimeException e) {
      failure = e; // a corrupt stream: the request fails with this, after what was decoded before it
    }
    try {
      channel.finish(); // the end of the body: a truncated stream may fail only here
    } catch (RuntimeException e) {
      failure = failure == null ? e : failure;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object message; (message = channel.readInbound()) != null; ) {
      ByteBuf decoded = (ByteBuf) message;
      byte[] bytes = new byte[decoded.readableBytes()];
      decoded.readBytes(bytes);
      decoded.release();
      out.writeBytes(bytes);
    }
    channel.releaseInbound();
    return new Gunzipped(out.toByteArray(), failure);
  }

  /** What the upload path did with a body. */
  private static final class Run {
    final List<String> offered = new ArrayList<>();
    final List<long[]> numbers = new ArrayList<>();
    final List<UrlIngest.Batch> batches = new ArrayList<>();
    Throwable failure;
    boolean ended;
  }

  /** The body as the server streams it: in chunks, then the end or the decoder's failure. */
  private static final class Body implements ReadStream<Buffer> {
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      this.exceptionHandler = handler;
      return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
      this.handler = handler;
      return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
      return this; // the parser buffers what arrives while it is paused
    }

    @Override
    public ReadStream<Buffer> resume() {
      return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
      return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
      this.endHandler = endHandler;
      return this;
    }
  }

  /** {@code JobRoutes.streamLines}, with the ingest's normalising step in place of the ingest. */
  private static Run run(byte[] data, Throwable decodeFailure, long maxLines, long maxBytes, int maxLine, int chunk) {
    Run run = new Run();
    Body body = new Body();
    UploadBatch batch = new UploadBatch(maxLines, maxBytes);
    BiFunction<List<String>, long[], Future<Void>> ingest = (lines, numbers) -> {
      run.offered.addAll(lines);
      run.numbers.add(numbers);
      run.batches.add(UrlIngest.normalize(lines, numbers, PARTITIONS));
      return Future.succeededFuture();
    };
    RecordParser parser = RecordParser.newDelimited("\n", body).maxRecordSize(maxLine);
    parser.exceptionHandler(err -> {
      if (run.failure == null) {
        run.failure = err instanceof IllegalStateException
            ? ApiError.tooLarge("A line is longer than " + maxLine + " bytes") : err;
      }
    });
    parser.handler(line -> {
      if (run.failure != null) {
        return;
      }
      try {
        batch.offer(line);
      } catch (ApiError tooLarge) {
        run.failure = tooLarge;
        return;
      }
      if (batch.full()) {
        parser.pause();
        batch.drainInto(ingest).onSuccess(v -> parser.resume()).onFailure(err -> run.failure = err);
      }
    });
    parser.endHandler(end -> batch.drainInto(ingest).onSuccess(v -> run.ended = true)
        .onFailure(err -> run.failure = err));
    parser.resume();
    for (int at = 0; at < data.length && run.failure == null; at += chunk) {
      body.handler.handle(Buffer.buffer(Arrays.copyOfRange(data, at, Math.min(data.length, at + chunk))));
    }
    if (decodeFailure != null) {
      body.exceptionHandler.handle(decodeFailure);
    } else if (body.endHandler != null) {
      body.endHandler.handle(null);
    }
    return run;
  }

  private static void check(byte[] data, Throwable decodeFailure, long maxLines, long maxBytes, int maxLine,
      int chunk) {
    String context = "limits " + maxLines + " lines, " + maxBytes + " bytes, " + maxLine + " a line; chunks of "
        + chunk + "; " + data.length + " bytes";
    Run run;
    try {
      run = run(data, decodeFailure, maxLines, maxBytes, maxLine, chunk);
    } catch (RuntimeException e) {
      throw new AssertionError("the upload path threw (" + context + ")", e);
    }

    // The model: the body arrives chunk by chunk; each complete line is counted, and the first one
    // past a limit fails the upload; after each chunk, a partial line longer than maxLine fails it
    // (RecordParser's maxRecordSize); at the end, a last line without a newline is a line too.
    List<byte[]> records = new ArrayList<>();
    String expectedFailure = null;
    int delivered = 0; // records handed to UploadBatch and kept, before any failure
    long bytes = 0;
    int lineStart = 0;
    for (int from = 0; from < data.length && expectedFailure == null; from += chunk) {
      int to = Math.min(data.length, from + chunk);
      for (int i = from; i < to && expectedFailure == null; i++) {
        if (data[i] == '\n') {
          records.add(Arrays.copyOfRange(data, lineStart, i));
          lineStart = i + 1;
          bytes += records.get(records.size() - 1).length + 1;
          expectedFailure = overLimit(records.size(), bytes, maxLines, maxBytes);
          delivered += expectedFailure == null ? 1 : 0;
        }
      }
      if (expectedFailure == null && to - lineStart > maxLine) {
        expectedFailure = "longer than " + maxLine;
      }
    }
    if (expectedFailure == null && decodeFailure == null && lineStart < data.length) {
      records.add(Arrays.copyOfRange(data, lineStart, data.length));
      bytes += records.get(records.size() - 1).length + 1;
      expectedFailure = overLimit(records.size(), bytes, maxLines, maxBytes);
      delivered += expectedFailure == null ? 1 : 0;
    }

    if (expectedFailure != null) {
      assertThat(run.failure).as("413 expected (%s): %s", expectedFailure, context).isInstanceOf(ApiError.class);
      assertThat(((ApiError) run.failure).status()).as(context).isEqualTo(413);
      assertThat(run.failure.getMessage()).as(context).contains(expectedFailure);
    } else if (decodeFailure != null) {
      assertThat(run.failure).as("the gzip stream's failure: %s", context).isSameAs(decodeFailure);
    } else {
      assertThat(run.failure).as("no failure: %s", context).isNull();
      assertThat(run.ended).as("the upload ended: %s", context).isTrue();
    }

    // Lines that became work: the delivered records that are not blank or comments, in order.
    List<String> kept = new ArrayList<>();
    List<Long> keptNumbers = new ArrayList<>();
    for (int i = 0; i < delivered; i++) {
      String line = new String(records.get(i), StandardCharsets.UTF_8);
      String stripped = line.strip();
      if (!stripped.isEmpty() && !stripped.startsWith("#")) {
        kept.add(stripped);
        keptNumbers.add(i + 1L);
      }
    }
    // UploadBatch drops blank and comment lines itself: they cost no batch slot and no worker hop.
    for (String line : run.offered) {
      String rest = line.replaceFirst("^[ \\t\\r\\f\\u000b]+", "");
      require(!rest.isEmpty() && !rest.startsWith("#"), "a blank or comment line was handed to the ingest: "
          + line.length() + " chars", context);
    }
    // A batch is handed on when full or at the end: after a failure the partial batch is dropped.
    List<String> normalised = new ArrayList<>();
    for (String line : run.offered) {
      String stripped = line.strip();
      if (!stripped.isEmpty() && !stripped.startsWith("#")) {
        normalised.add(stripped);
      }
    }
    assertThat(normalised.size()).as("lines that became work: %s", context).isLessThanOrEqualTo(kept.size());
    if (expectedFailure == null && decodeFailure == null) {
      require(normalised.equals(kept), "every line that is not blank or a comment becomes work", context);
    } else {
      require(normalised.equals(kept.subList(0, normalised.size())), "the lines before the failure, in order",
          context);
    }
    for (long[] numbers : run.numbers) {
      for (int i = 1; i < numbers.length; i++) {
        assertThat(numbers[i]).as("line numbers rise: %s", context).isGreaterThan(numbers[i - 1]);
      }
    }

    // Each such line is normalised once, in order: accepted as its normal form, or rejected with its line number.
    int k = 0;
    for (UrlIngest.Batch batch : run.batches) {
      int accepted = 0;
      int rejected = 0;
      while (accepted < batch.urls().size() || rejected < batch.rejected().size()) {
        assertThat(k).as("more results than lines: %s", context).isLessThan(normalised.size());
        String line = kept.get(k);
        long number = keptNumbers.get(k);
        k++;
        UrlNormalizer.Result expected = UrlNormalizer.normalize(line);
        if (expected instanceof UrlNormalizer.Accepted ok) {
          assertThat(accepted).as("line %d accepted: %s", number, context).isLessThan(batch.urls().size());
          String url = batch.urls().get(accepted);
          require(url.equals(ok.url()), "line " + number + " accepted as its normal form", context);
          require(batch.hosts().get(accepted).equals(ok.host()), "line " + number + " with its host", context);
          assertThat(batch.partitions().get(accepted)).as(context).isBetween(0, PARTITIONS - 1);
          require(UrlNormalizer.normalize(url).equals(ok),
              "an accepted URL is normalised: normalising line " + number + "'s URL again changes it", context);
          accepted++;
        } else {
          assertThat(rejected).as("line %d rejected: %s", number, context).isLessThan(batch.rejected().size());
          JsonObject sample = batch.rejected().get(rejected);
          assertThat(sample.getLong("line")).as("line number of a rejected line: %s", context).isEqualTo(number);
          assertThat(sample.getString("reason")).as(context).isEqualTo(((UrlNormalizer.Rejected) expected).reason());
          String input = sample.getString("input");
          assertThat(input.length()).as(context).isLessThanOrEqualTo(200);
          assertThat(input.indexOf('\u0000')).as("no NUL in a sample: %s", context).isNegative();
          rejected++;
        }
      }
    }
    assertThat(k).as("every line handed on was normalised: %s", context).isEqualTo(normalised.size());
  }

  private static void require(boolean holds, String property, String context) {
    if (!holds) {
      throw new AssertionError(property + " (" + context + ")");
    }
  }

  private static String overLimit(long line, long bytes, long maxLines, long maxBytes) {
    return line > maxLines ? maxLines + " lines" : bytes > maxBytes ? maxBytes + " bytes" : null;
  }

  private static long count(byte[] data, byte b) {
    long n = 0;
    for (byte x : data) {
      if (x == b) {
        n++;
      }
    }
    return n;
  }
}
