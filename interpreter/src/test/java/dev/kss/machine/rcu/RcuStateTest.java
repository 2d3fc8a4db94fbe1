package dev.kss.machine.rcu;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class RcuStateTest {
  @Test void aGracePeriodWaitsForEveryCpuAndTheMinimumTime() {
    boolean[] quiet = {false, false};
    RcuState<String> r = new RcuState<>(2, 3_000_000);
    assertTrue(r.call("free a", 0, c -> quiet[c]), "the first callback starts a grace period");
    r.quiescent(0, 1_000);
    assertEquals(List.of(), r.poll(10_000_000, c -> quiet[c]), "cpu 1 has not passed a quiescent state");
    r.quiescent(1, 2_000);
    assertEquals(List.of("free a"), r.poll(10_000_000, c -> quiet[c]));
    assertEquals(1, r.completed());
    assertEquals(3_000_000, r.endedAt(), "it ends at the minimum grace period, the quiescent states came sooner");
  }

  @Test void itEndsAtTheLastCpusQuiescentStateInThatCpusTime() {
    RcuState<String> r = new RcuState<>(2, 1_000);
    r.call("x", 500, c -> false);
    r.quiescent(0, 800);
    r.quiescent(1, 9_000);
    assertEquals(List.of(), r.poll(8_999, c -> false), "not before CPU 1 got there");
    assertEquals(List.of("x"), r.poll(9_000, c -> false));
    assertEquals(9_000, r.endedAt());
    assertArrayEquals(new long[] {800, 9_000}, r.lastEnded().qsAt());
  }

  @Test void aQuiescentStateBeforeTheGracePeriodBeganDoesNotCount() {
    RcuState<String> r = new RcuState<>(2, 1_000);
    r.call("x", 5_000, c -> c == 0);
    r.quiescent(1, 4_000);   // CPU 1's clock was behind: that switch happened before the call_rcu
    assertEquals(-1, r.end(), "CPU 1 still owes a quiescent state");
    r.quiescent(1, 5_500);
    assertEquals(6_000, r.end());
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
    r.quiescent(0, 20);
    assertEquals(List.of("first"), r.poll(5000, c -> false));
    assertTrue(r.active(), "the next grace period started for the callback that waits");
    assertEquals(1000, r.started(), "at the end of the first, not when it was polled");
    r.quiescent(0, 1500);
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
