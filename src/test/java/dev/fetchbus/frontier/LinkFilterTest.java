package dev.fetchbus.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.fetch.Discovered;
import dev.fetchbus.store.StoredBatch;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The filter of links seen: only links whose batch committed are known, per job, within a bound")
class LinkFilterTest {
  private static Discovered link(String path) {
    return new Discovered("http://h" + path, "h", "page");
  }

  @Test
  @DisplayName("a link is filtered once the record that offered it committed, and only in its job")
  void learnsOnCommit() {
    LinkFilter filter = new LinkFilter(new SeenLinks(1000));
    assertThat(filter.unseen(1, 10, List.of(link("/a"), link("/b")))).hasSize(2);
    assertThat(filter.unseen(1, 11, List.of(link("/a"), link("/c")))).as("not committed yet").hasSize(2);
    filter.stored(new StoredBatch(List.of(10L, 11L), Set.of(10L), false));
    assertThat(filter.unseen(1, 12, List.of(link("/a"), link("/b"), link("/c"), link("/d"))))
        .extracting(Discovered::url).containsExactly("http://h/c", "http://h/d");
    assertThat(filter.unseen(2, 13, List.of(link("/a")))).as("another job").hasSize(1);
    assertThat(filter.filtered()).isEqualTo(2);
  }

  @Test
  @DisplayName("the links of a batch that failed are not learnt, so they are offered again")
  void failedBatchTeachesNothing() {
    LinkFilter filter = new LinkFilter(new SeenLinks(1000));
    filter.unseen(1, 10, List.of(link("/a")));
    filter.stored(new StoredBatch(List.of(10L), Set.of(), true));
    assertThat(filter.unseen(1, 11, List.of(link("/a")))).hasSize(1);
  }

  @Test
  @DisplayName("past the bound the least recently used job's links are dropped; a forgotten job starts over")
  void bounded() {
    LinkFilter filter = new LinkFilter(new SeenLinks(3));
    filter.unseen(1, 10, List.of(link("/a"), link("/b")));
    filter.unseen(2, 20, List.of(link("/x"), link("/y")));
    filter.stored(new StoredBatch(List.of(10L, 20L), Set.of(10L, 20L), false));
    assertThat(filter.size()).isLessThanOrEqualTo(3);
    assertThat(filter.unseen(1, 11, List.of(link("/a")))).as("job 1 was dropped").hasSize(1);
    assertThat(filter.unseen(2, 21, List.of(link("/x")))).isEmpty();
    filter.forget(2);
    assertThat(filter.unseen(2, 22, List.of(link("/x")))).hasSize(1);
  }
}
