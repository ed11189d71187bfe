package dev.fetchbus.api;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The lines of a text/plain upload on their way to {@link UrlIngest}, a batch at a time, with the
 * line number of each. Blank and comment lines are counted and dropped from the bytes, without a
 * String or a worker hop; the upload's lines and bytes are capped.
 */
final class UploadBatch {
  private final long maxLines;
  private final long maxBytes;
  private final List<String> lines = new ArrayList<>(UrlIngest.BATCH);
  private final long[] numbers = new long[UrlIngest.BATCH];
  private long lineNumber;
  private long bytes;
  private boolean drainedOnce;

  UploadBatch(long maxLines, long maxBytes) {
    this.maxLines = maxLines;
    this.maxBytes = maxBytes;
  }

  /** Takes the next line of the upload; throws a 413 {@link ApiError} past the caps. */
  void offer(Buffer line) {
    lineNumber++;
    bytes += line.length() + 1;
    if (lineNumber > maxLines) {
      throw ApiError.tooLarge("The upload has more than " + maxLines + " lines (http.maxUploadLines)");
    }
    if (bytes > maxBytes) {
      throw ApiError.tooLarge("The upload has more than " + maxBytes + " bytes, decompressed (http.maxUploadBytes)");
    }
    if (!isBlankOrComment(line)) {
      numbers[lines.size()] = lineNumber;
      lines.add(line.toString(StandardCharsets.UTF_8));
    }
  }

  boolean full() {
    return lines.size() >= UrlIngest.batchSize(!drainedOnce);
  }

  /** Hands the batch to the ingest and starts a new one. */
  Future<Void> drainInto(UrlIngest ingest) {
    return drainInto(ingest::add);
  }

  /**
   * Hands the batch's lines and their line numbers in the upload to {@code sink} (not called for an
   * empty batch) and starts a new one; {@link #drainInto(UrlIngest)} without the database, for tests.
   */
  Future<Void> drainInto(BiFunction<List<String>, long[], Future<Void>> sink) {
    long[] taken = Arrays.copyOf(numbers, lines.size());
    List<String> batch = List.copyOf(lines);
    lines.clear();
    drainedOnce = true;
    return batch.isEmpty() ? Future.succeededFuture() : sink.apply(batch, taken);
  }

  private static boolean isBlankOrComment(Buffer line) {
    for (int i = 0; i < line.length(); i++) {
      byte b = line.getByte(i);
      if (b == '#') {
        return true;
      }
      if (b != ' ' && b != '\t' && b != '\r' && b != '\f' && b != 0x0b) {
        return false;
      }
    }
    return true;
  }
}
