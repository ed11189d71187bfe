package dev.fetchbus.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Body budget: bytes held in memory")
class BodyBudgetTest {
  private final List<String> resumed = new ArrayList<>();

  private Runnable resume(String reader) {
    return () -> resumed.add(reader);
  }

  @Test
  @DisplayName("readers read on under the limit; over it one runner reads on and the others pause")
  void oneRunnerOverTheLimit() {
    BodyBudget budget = new BodyBudget(100);
    Object a = "a";
    Object b = "b";
    Object c = "c";
    assertThat(budget.take(a, 60, resume("a"))).isTrue();
    assertThat(budget.take(b, 30, resume("b"))).isTrue();
    assertThat(budget.take(b, 30, resume("b"))).as("b goes over first: it becomes the runner").isTrue();
    assertThat(budget.take(a, 10, resume("a"))).as("a must wait").isFalse();
    assertThat(budget.take(c, 10, resume("c"))).as("c must wait").isFalse();
    assertThat(budget.take(b, 50, resume("b"))).as("the runner reads on").isTrue();
    assertThat(budget.held()).isEqualTo(190);
    assertThat(budget.highWater()).isEqualTo(190);
    assertThat(resumed).isEmpty();
  }

  @Test
  @DisplayName("a finished runner hands the role to the oldest waiter; given-back bytes wake those that fit")
  void finishingAndGivingBackWake() {
    BodyBudget budget = new BodyBudget(100);
    budget.take("r", 150, resume("r"));
    assertThat(budget.take("w1", 10, resume("w1"))).isFalse();
    assertThat(budget.take("w2", 10, resume("w2"))).isFalse();
    budget.finished("w1");
    assertThat(resumed).as("only the runner can hand over its role").isEmpty();
    budget.finished("r");
    assertThat(resumed).containsExactly("w1");
    budget.give(150);
    assertThat(resumed).containsExactly("w1", "w2");
    assertThat(budget.held()).isEqualTo(20);
    budget.give(20);
    assertThat(budget.held()).isZero();
    assertThat(budget.highWater()).isEqualTo(170);
  }

  @Test
  @DisplayName("giving back bytes while still over the limit wakes nobody")
  void stillOverWakesNobody() {
    BodyBudget budget = new BodyBudget(100);
    budget.take("r", 300, resume("r"));
    budget.take("w", 10, resume("w"));
    budget.give(100);
    assertThat(resumed).isEmpty();
    budget.give(150);
    assertThat(resumed).containsExactly("w");
  }

  @Test
  @DisplayName("over the limit because of charged bytes (records waiting for the store): no runner, every reader waits")
  void chargedBytesLetNoRunnerThrough() {
    BodyBudget budget = new BodyBudget(100);
    budget.charge(120);
    assertThat(budget.take("a", 10, resume("a"))).as("a store slower than the fetches makes readers wait").isFalse();
    assertThat(budget.take("b", 10, resume("b"))).isFalse();
    budget.release(60);
    assertThat(resumed).as("held 80 < 100: both fit again").containsExactly("a", "b");
    assertThat(budget.charged()).isEqualTo(60);
  }

  @Test
  @DisplayName("once charged bytes are released and only readers hold bytes over the limit, one reader is woken to run")
  void readersAloneGetARunnerBack() {
    BodyBudget budget = new BodyBudget(100);
    budget.charge(30);
    assertThat(budget.take("a", 60, resume("a"))).isTrue();
    assertThat(budget.take("b", 60, resume("b"))).isFalse();
    assertThat(budget.take("a", 10, resume("a"))).isFalse();
    budget.release(30);
    assertThat(resumed).as("held 130, all of it readers': one must run or none ever will").containsExactly("b");
    assertThat(budget.take("b", 10, resume("b"))).as("b is the runner now").isTrue();
    assertThat(budget.take("a", 10, resume("a"))).isFalse();
  }
}
