package dev.kss.machine.rcu;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class RcuStateTest {
  @Test void aGracePeriodWaitsForEveryCpuAndTheMinimumTime() {
    boolean[] quiet = {false, false};
    RcuState r = new RcuState(2, 3_000_000, c -> quiet[c]);
    int[] ran = {0};
    r.call(() -> ran[0]++, 0);
    r.quiescent(0);
    assertFalse(r.poll(10_000_000), "cpu 1 has not passed a quiescent state");
    r.quiescent(1);
    assertTrue(r.poll(10_000_000));
    assertEquals(1, ran[0]);
    assertEquals(1, r.completed());
  }

  @Test void notBeforeTheMinimumGracePeriod() {
    RcuState r = new RcuState(1, 3_000_000, c -> true);
    r.call(() -> {}, 1_000);
    assertFalse(r.poll(2_000_000));
    assertTrue(r.poll(3_001_000));
  }

  @Test void callbacksQueuedDuringAGracePeriodWaitForTheNextOne() {
    RcuState r = new RcuState(1, 1000, c -> false);
    int[] ran = {0, 0};
    r.call(() -> ran[0]++, 0);
    r.call(() -> ran[1]++, 10);
    r.quiescent(0);
    r.poll(5000);
    assertArrayEquals(new int[] {1, 0}, ran);
    r.quiescent(0);
    r.poll(10_000);
    assertArrayEquals(new int[] {1, 1}, ran);
  }
}
