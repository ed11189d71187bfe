package dev.fetchbus.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Link memo: answers once per key, and starts over at its size")
class LinkMemoTest {

  @Test
  @DisplayName("a known key is answered from the memo, without computing again")
  void remembers() {
    LinkMemo<String> memo = new LinkMemo<>(10);
    List<String> computed = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (String key : List.of("a", "b", "c")) {
        assertThat(memo.get(key, k -> {
          computed.add(k);
          return k.toUpperCase();
        })).isEqualTo(key.toUpperCase());
      }
    }
    assertThat(computed).containsExactly("a", "b", "c");
  }

  @Test
  @DisplayName("it never holds more than its size, and still answers right after starting over")
  void bounded() {
    LinkMemo<Integer> memo = new LinkMemo<>(100);
    for (int i = 0; i < 1_000; i++) {
      assertThat(memo.get("k" + i, k -> Integer.parseInt(k.substring(1)))).isEqualTo(i);
      assertThat(memo.size()).isLessThanOrEqualTo(100);
    }
    assertThat(memo.get("k999", k -> -1)).as("the latest keys are kept").isEqualTo(999);
    assertThat(memo.get("k5", k -> -1)).as("forgotten when it started over: computed again").isEqualTo(-1);
  }
}
