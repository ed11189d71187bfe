package dev.fetchbus.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fetchbus.support.Coded;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Content codings undone off the event loop")
class ContentCodingTest {
  private static final int CAP = 1 << 20;
  private static final byte[] PAGE = page(200_000);

  /** Text that compresses about as HTML does, with enough variety that a wrong byte anywhere shows. */
  private static byte[] page(int size) {
    StringBuilder html = new StringBuilder("<html><head><title>t</title></head><body>");
    Random random = new Random(7);
    while (html.length() < size) {
      html.append("<p><a href=\"/p/").append(random.nextInt(100_000)).append("\">link</a> words</p>\n");
    }
    return Arrays.copyOf(html.toString().getBytes(StandardCharsets.US_ASCII), size);
  }



  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  @Test
  @DisplayName("the codings asked for are recognised by any spelling; others, and none, are kept as received")
  void names() {
    assertThat(ContentCoding.of("gzip")).isEqualTo(ContentCoding.GZIP);
    assertThat(ContentCoding.of(" X-GZIP ")).isEqualTo(ContentCoding.GZIP);
    assertThat(ContentCoding.of("Deflate")).isEqualTo(ContentCoding.DEFLATE);
    assertThat(ContentCoding.of("x-deflate")).isEqualTo(ContentCoding.DEFLATE);
    assertThat(ContentCoding.of("br")).isNull();
    assertThat(ContentCoding.of("identity")).isNull();
    assertThat(ContentCoding.of("gzip, br")).isNull();
    assertThat(ContentCoding.of(null)).isNull();
  }

  @Test
  @DisplayName("gzip, zlib-wrapped deflate and raw deflate give back the body byte for byte")
  void roundTrips() {
    assertThat(ContentCoding.GZIP.decode(Coded.gzip(PAGE), CAP, false)).satisfies(d -> {
      assertThat(d.body()).isEqualTo(PAGE);
      assertThat(d.truncated()).isFalse();
    });
    assertThat(ContentCoding.DEFLATE.decode(Coded.deflate(PAGE, true), CAP, false).body()).isEqualTo(PAGE);
    assertThat(ContentCoding.DEFLATE.decode(Coded.deflate(PAGE, false), CAP, false).body()).isEqualTo(PAGE);
    assertThat(ContentCoding.GZIP.decode(new byte[0], CAP, false).body()).isEmpty();
  }

  @Test
  @DisplayName("a body of several gzip members decodes whole; a size field that lies fails gzip's trailer check")
  void sizeFieldIsOnlyAHint() {
    byte[] first = Arrays.copyOf(PAGE, 150_000);
    byte[] second = Arrays.copyOfRange(PAGE, 150_000, PAGE.length);
    // the last member's size field says 50,000: the first guess is short, and must grow
    byte[] twoMembers = concat(Coded.gzip(first), Coded.gzip(second));
    assertThat(ContentCoding.GZIP.decode(twoMembers, CAP, false).body()).isEqualTo(PAGE);

    byte[] lying = Coded.gzip(PAGE);
    int at = lying.length - 4;
    lying[at] = (byte) 0x40; // 0x?????40: bigger than the body, still under the cap
    lying[at + 1] = 0;
    lying[at + 2] = 0x0C;
    lying[at + 3] = 0;
    assertThatThrownBy(() -> ContentCoding.GZIP.decode(lying, CAP, false))
        .as("the size field is part of the trailer gzip checks").isInstanceOf(FetchFailure.class);
  }

  @Test
  @DisplayName("a body decoding past the cap stops at it and says truncated, however small it was on the wire")
  void bombStopsAtTheCap() {
    byte[] bomb = Coded.gzip(new byte[16 << 20]);
    assertThat(bomb.length).isLessThan(64 * 1024);
    ContentCoding.Decoded d = ContentCoding.GZIP.decode(bomb, CAP, false);
    assertThat(d.body()).hasSize(CAP);
    assertThat(d.truncated()).isTrue();

    ContentCoding.Decoded exact = ContentCoding.GZIP.decode(Coded.gzip(PAGE), PAGE.length, false);
    assertThat(exact.body()).isEqualTo(PAGE);
    assertThat(exact.truncated()).as("exactly the cap is not over it").isFalse();
  }

  @Test
  @DisplayName("coded bytes cut on the wire decode to a prefix of the body, truncated; cut by the origin, kept")
  void cutStreams() {
    byte[] coded = Coded.gzip(PAGE);
    byte[] half = Arrays.copyOf(coded, coded.length / 2);
    ContentCoding.Decoded cut = ContentCoding.GZIP.decode(half, CAP, true);
    assertThat(cut.truncated()).isTrue();
    assertThat(cut.body().length).isBetween(1, PAGE.length - 1);
    assertThat(cut.body()).isEqualTo(Arrays.copyOf(PAGE, cut.body().length));

    ContentCoding.Decoded short_ = ContentCoding.DEFLATE.decode(
        Arrays.copyOf(Coded.deflate(PAGE, true), coded.length / 2), CAP, false);
    assertThat(short_.truncated()).isFalse();
    assertThat(short_.body()).isEqualTo(Arrays.copyOf(PAGE, short_.body().length));
  }

  @Test
  @DisplayName("bytes that are not of the coding named are a protocol failure, never a crash or a garbled body")
  void undecodableIsProtocolFailure() {
    assertThatThrownBy(() -> ContentCoding.GZIP.decode(PAGE, CAP, false))
        .isInstanceOfSatisfying(FetchFailure.class, f -> assertThat(f.type()).isEqualTo(FetchError.PROTOCOL))
        .hasMessageContaining("gzip");
    byte[] badCrc = Coded.gzip(PAGE);
    badCrc[badCrc.length - 8] ^= 1;
    assertThatThrownBy(() -> ContentCoding.GZIP.decode(badCrc, CAP, false))
        .isInstanceOfSatisfying(FetchFailure.class, f -> assertThat(f.type()).isEqualTo(FetchError.PROTOCOL));
    byte[] garbage = new byte[4096];
    new Random(3).nextBytes(garbage);
    garbage[0] = 0x78; // a zlib header, then noise
    garbage[1] = (byte) 0x9C;
    assertThatThrownBy(() -> ContentCoding.DEFLATE.decode(garbage, CAP, false))
        .isInstanceOfSatisfying(FetchFailure.class, f -> assertThat(f.type()).isEqualTo(FetchError.PROTOCOL));
  }
}
