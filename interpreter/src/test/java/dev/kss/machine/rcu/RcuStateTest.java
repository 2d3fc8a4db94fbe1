package dev.kss.machine.rcu;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class RcuStateTest {
  @Test void aGracePeriodWaitsForEveryCpuAndTheMinimumTime() {
    boolean[] quiet = {false, false};
    RcuState<String> r = new RcuState<>(2, 3_000_000);
    assertTrue(r.call("free a", 0, c -> quiet[c]), "the first callback starts a grace period");
    r.quiescent(0);
    assertEquals(List.of(), r.poll(10_000_000, c -> quiet[c]), "cpu 1 has not passed a quiescent state");
    r.quiescent(1);
    assertEquals(List.of("free a"), r.poll(10_000_000, c -> quiet[c]));
    assertEquals(1, r.completed());
  }

  @Test void notBeforeTheMinimumGracePeriod() {
    RcuState<String> r = new RcuState<>(1, 3_000_000);
    r.call("x", 1_000, c -> true);
    assertEquals(List.of(), r.poll(2_000_000, c -> true));
    assertEquals(List.of("x"), r.poll(3_001_000, c -> true));
  }

  @Test void callbacksQueuedDuringAGracePeriodWaitForTheNextOne() {
    RcuState<String> r = new RcuState<>(1, 1000);
    r.call("first", 0, c -> false);
    assertFalse(r.call("second", 10, c -> false), "a grace period already runs");
    r.quiescent(0);
    assertEquals(List.of("first"), r.poll(5000, c -> false));
    assertTrue(r.active(), "the next grace period started for the callback that waits");
    r.quiescent(0);
    assertEquals(List.of("second"), r.poll(10_000, c -> false));
  }

  @Test void aCopyRunsItsOwnCallbacks() {
    RcuState<String> r = new RcuState<>(1, 1000);
    r.call("a", 0, c -> true);
    RcuState<String> copy = r.copy(s -> s + "'");
    assertEquals(List.of("a'"), copy.poll(2000, c -> true));
    assertEquals(1, r.waiting(), "the original still waits");
    assertEquals(List.of("a"), r.poll(2000, c -> true));
  }
}
