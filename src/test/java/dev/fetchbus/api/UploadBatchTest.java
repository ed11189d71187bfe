package dev.fetchbus.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Upload batches: a small first batch, so fetching starts while the rest is stored")
class UploadBatchTest {

  @Test
  @DisplayName("2,500 URLs reach the ingest as 100, 1,000, 1,000 and the other 400, in order")
  void firstBatchIsSmall() {
    UploadBatch batch = new UploadBatch(10_000, 1 << 20);
    List<Integer> sizes = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 2_500; i++) {
      batch.offer(Buffer.buffer("http://h/" + i));
      if (batch.full()) {
        batch.drainInto((lines, numbers) -> take(lines, numbers, sizes, seen));
      }
    }
    batch.drainInto((lines, numbers) -> take(lines, numbers, sizes, seen));

    assertThat(sizes).containsExactly(UrlIngest.FIRST_BATCH, UrlIngest.BATCH, UrlIngest.BATCH,
        2_500 - UrlIngest.FIRST_BATCH - 2 * UrlIngest.BATCH);
    assertThat(UrlIngest.FIRST_BATCH).isLessThan(UrlIngest.BATCH);
    assertThat(seen).hasSize(2_500).startsWith("http://h/0", "http://h/1").endsWith("http://h/2499");
  }

  private static Future<Void> take(List<String> lines, long[] numbers, List<Integer> sizes, List<String> seen) {
    sizes.add(lines.size());
    seen.addAll(lines);
    assertThat(numbers[0]).isEqualTo(seen.size() - lines.size() + 1); // line numbers follow the upload
    return Future.succeededFuture();
  }
}
