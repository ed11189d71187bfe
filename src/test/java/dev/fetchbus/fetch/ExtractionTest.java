package dev.fetchbus.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.extract.PageExtractor;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Extraction, memoised by content hash")
class ExtractionTest {
  private static final Vertx vertx = Vertx.vertx();
  private static final byte[] PAGE = "<html><head><title>Same</title></head><body><a href=\"/a\">a</a><a href=\"/b\">b</a></body></html>"
      .getBytes(StandardCharsets.UTF_8);

  @AfterAll
  static void stop() {
    TestNode.await(vertx.close());
  }

  @Test
  @DisplayName("a body seen before at the same URL is not parsed again; at another URL it is, for its own canonical")
  void memoisedByContentHashAndUrl() {
    Extraction extraction = new Extraction(vertx, 100);
    PageExtractor.Extracted first = TestNode.await(extraction.summary(PAGE, "text/html", "http://a.example/1", true));
    PageExtractor.Extracted second = TestNode.await(extraction.summary(PAGE, "text/html", "http://a.example/1", true));
    PageExtractor.Extracted elsewhere = TestNode.await(extraction.summary(PAGE, "text/html", "http://b.example/2", true));
    assertThat(second).isSameAs(first);
    assertThat(elsewhere).isNotSameAs(first);
    assertThat(elsewhere.title()).isEqualTo(first.title());
    assertThat(first.title()).isEqualTo("Same");
    assertThat(first.links()).isEqualTo(2);
    assertThat(first.outlinks()).as("the memo keeps no URL-dependent links").isEmpty();
  }

  @Test
  @DisplayName("concurrent copies of one new body share one parse")
  void concurrentCopiesShareOneParse() {
    Extraction extraction = new Extraction(vertx, 100);
    byte[] body = "<html><head><title>Burst</title></head></html>".getBytes(StandardCharsets.UTF_8);
    List<Future<PageExtractor.Extracted>> all = IntStream.range(0, 50)
        .mapToObj(i -> extraction.summary(body, "text/html; charset=utf-8", "http://x.example/", true)).toList();
    List<PageExtractor.Extracted> results = all.stream().map(TestNode::await).toList();
    assertThat(results).allSatisfy(r -> assertThat(r).isSameAs(results.get(0)));
  }

  @Test
  @DisplayName("with parsing off, or for non-HTML, only the content hash is computed")
  void hashOnly() {
    Extraction extraction = new Extraction(vertx, 100);
    PageExtractor.Extracted off = TestNode.await(extraction.summary(PAGE, "text/html", "http://a.example/", false));
    PageExtractor.Extracted pdf = TestNode.await(extraction.summary(PAGE, "application/pdf", "http://a.example/", true));
    assertThat(off.title()).isNull();
    assertThat(off.contentHash()).hasSize(64).isEqualTo(pdf.contentHash());
    assertThat(pdf.links()).isNull();
  }
}
