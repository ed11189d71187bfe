package dev.fetchbus.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Resolved-link memo: answers per directory, starting over at its size")
class DirectoryMemoTest {

  @Test
  @DisplayName("the same reference in two directories has two answers; a directory's answers are shared by its pages")
  void perDirectory() {
    DirectoryMemo memo = new DirectoryMemo(100);
    memo.put(memo.answers("http://h/a/"), "x.html", "http://h/a/x.html");
    memo.put(memo.answers("http://h/b/"), "x.html", "http://h/b/x.html");
    assertThat(memo.answers("http://h/a/")).containsExactly(Map.entry("x.html", "http://h/a/x.html"));
    assertThat(memo.answers("http://h/b/").get("x.html")).isEqualTo("http://h/b/x.html");
    assertThat(memo.answers("http://h/c/")).isEmpty();
  }

  @Test
  @DisplayName("it never counts more than its size: when full it starts over, and a page's own answers still work")
  void bounded() {
    DirectoryMemo memo = new DirectoryMemo(100);
    Map<String, String> page = memo.answers("http://h/d/");
    for (int i = 0; i < 1_000; i++) {
      memo.put(page, "p" + i, "http://h/d/p" + i);
      assertThat(memo.size()).isLessThanOrEqualTo(100);
    }
    assertThat(page.get("p999")).as("the page holding its answers keeps using them").isEqualTo("http://h/d/p999");
    assertThat(memo.answers("http://h/d/")).as("a later page starts from the memo, which started over")
        .hasSizeLessThanOrEqualTo(100).doesNotContainKey("p5");
  }
}
