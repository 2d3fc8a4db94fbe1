package dev.kss.machine;

import static org.junit.jupiter.api.Assertions.*;

import dev.kss.machine.sched.Task;
import dev.kss.machine.sched.ThreadKind;
import org.junit.jupiter.api.Test;

class SnapshotTest {
  @Test void aRestoredMachineCarriesOnExactlyAsTheOriginal() {
    Machine m = new Machine(new MachineConfig());
    Task a = m.fork("a", 0, ThreadKind.USER, m.builtinDefault(), null);
    m.enter(a);
    m.depth(a, 12 << 10);
    Snapshot snap = Snapshot.of(m);

    m.leave(a);
    m.exit(a);
    m.advance(10_000_000);
    Machine copy = snap.restore();
    Task a2 = copy.liveTasks().get(0);
    copy.leave(a2);
    copy.exit(a2);
    copy.advance(10_000_000);

    for (String metric : new String[] {"stacks.cached", "threads.exited", "time.now", "tlb.misses", "latency.exit.mean"})
      assertEquals(m.metric(metric, null), copy.metric(metric, null), metric);
    copy.checkInvariants();
  }

  @Test void aRestoredMachineIsIndependentOfTheOriginal() {
    Machine m = new Machine(new MachineConfig());
    m.fork("a", 0, ThreadKind.KERNEL, m.builtinDefault(), null);
    Machine copy = Snapshot.of(m).restore();
    m.fork("b", 1, ThreadKind.KERNEL, m.builtinDefault(), null);
    assertEquals(2.0, m.metric("threads.live", null));
    assertEquals(1.0, copy.metric("threads.live", null));
  }
}
