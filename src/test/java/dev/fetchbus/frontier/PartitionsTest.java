package dev.fetchbus.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Host partitions")
class PartitionsTest {

  /**
   * Stored with every URL, so these must never change. With 64 partitions the values are the
   * published FNV-1a 32-bit test vectors mod 64 ("" = 0x811c9dc5, "a" = 0xe40c292c,
   * "foobar" = 0xbf9cf968); 7 partitions pins the floorMod of the signed hash.
   */
  @ParameterizedTest(name = "''{0}'' in {1} partitions is {2}")
  @CsvSource({
      "'',            64, 5",
      "a,             64, 44",
      "foobar,        64, 40",
      "example.com,   64, 38",
      "a,             7,  1",
      "foobar,        1,  0",
  })
  void stableValues(String host, int partitions, int expected) {
    assertThat(Partitions.of(host, partitions)).isEqualTo(expected);
  }

  @Test
  @DisplayName("hashes the UTF-8 bytes, so a non-ASCII host differs from its ASCII look-alike")
  void utf8() {
    assertThat(Partitions.of("bücher.de", 1 << 30)).isNotEqualTo(Partitions.of("bucher.de", 1 << 30));
    assertThat(Partitions.of("bücher.de", 64)).isEqualTo(Partitions.of("bücher.de", 64));
  }

  @Test
  @DisplayName("always falls in [0, partitions) and spreads hosts over all of them")
  void rangeAndSpread() {
    for (int partitions : new int[] {1, 3, 7, 64, 1000}) {
      Set<Integer> used = new HashSet<>();
      for (int i = 0; i < 20_000; i++) {
        int p = Partitions.of("host" + i + ".example", partitions);
        assertThat(p).isBetween(0, partitions - 1);
        used.add(p);
      }
      assertThat(used).as("partitions used of %d", partitions).hasSize(partitions);
    }
  }
}
