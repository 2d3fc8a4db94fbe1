package dev.kss.machine;

import static org.junit.jupiter.api.Assertions.*;

import dev.kss.machine.op.Op;
import dev.kss.machine.sched.Task;
import dev.kss.machine.sched.ThreadKind;
import org.junit.jupiter.api.Test;

/** Machine.copy: an independent machine in the same state; stateHash and sameState: what the state is. */
class SnapshotTest {
  private static Task fork(Machine m, String name, int cpu, ThreadKind kind) {
    return m.apply(new Op.Fork(name, cpu, kind, m.builtinDefault().id, null));
  }

  @Test void aCopyCarriesOnExactlyAsTheOriginal() {
    Machine m = new Machine(new MachineConfig());
    Task a = fork(m, "a", 0, ThreadKind.USER);
    m.apply(new Op.Enter(a));
    m.apply(new Op.Depth(a, 12 << 10));
    Machine copy = m.copy();
    assertTrue(copy.sameState(m));
    assertEquals(m.stateHash(), copy.stateHash());

    m.apply(new Op.Leave(a));
    m.apply(new Op.Exit(a));
    m.apply(new Op.Advance(10_000_000));
    Task a2 = copy.liveTasks().get(0);
    assertNotSame(a, a2);
    copy.apply(new Op.Leave(a2));
    copy.apply(new Op.Exit(a2));
    copy.apply(new Op.Advance(10_000_000));

    for (String metric : new String[] {"stacks.cached", "threads.exited", "time.now", "tlb.misses", "latency.exit.mean"})
      assertEquals(m.metric(metric, null), copy.metric(metric, null), metric);
    copy.checkInvariants();
    assertTrue(copy.sameState(m));
    assertEquals(m.stateHash(), copy.stateHash());
  }

  @Test void aCopyIsIndependentOfTheOriginal() {
    Machine m = new Machine(new MachineConfig());
    fork(m, "a", 0, ThreadKind.KERNEL);
    Machine copy = m.copy();
    fork(m, "b", 1, ThreadKind.KERNEL);
    assertEquals(2.0, m.metric("threads.live", null));
    assertEquals(1.0, copy.metric("threads.live", null));
    assertFalse(copy.sameState(m));
    assertNotEquals(m.stateHash(), copy.stateHash());
    m.checkInvariants();
    copy.checkInvariants();
  }

  @Test void writesAfterACopyReachOnlyTheSideThatMadeThem() {
    Machine m = new Machine(new MachineConfig());
    Task a = fork(m, "a", 0, ThreadKind.USER);
    Machine copy = m.copy();
    // The original's TLB, page table and free lists change; the copy's must not.
    m.apply(new Op.Touch(a, 1, 1));
    m.apply(new Op.Exit(a));
    fork(m, "c", 2, ThreadKind.USER);
    assertEquals(1.0, copy.metric("threads.live", null));
    assertEquals(0.0, copy.metric("threads.exited", null));
    copy.checkInvariants();
    Task a2 = copy.liveTasks().get(0);
    assertEquals(1.0, copy.metric("tlb.misses", null), "only the fork's access");
    copy.apply(new Op.Touch(a2, 1, 1));
    assertEquals(2.0, copy.metric("tlb.misses", null), "cpu 1's TLB in the copy never saw the original's touch");
    copy.checkInvariants();
  }

  @Test void aPageMappedAfterTheCopyIsNotInTheCopy() {
    Machine m = new Machine(new MachineConfig());
    Task a = fork(m, "a", 0, ThreadKind.USER);
    m.apply(new Op.Touch(a, 1, 0));   // the page-table leaf of a's stack was just read and written
    Machine copy = m.copy();
    Task b = fork(m, "b", 0, ThreadKind.USER);   // a new stack next to a's, in the same leaf
    long va = b.stack.pageVa(0);
    assertTrue(dev.kss.machine.mem.PageTable.present(m.kernel().pageTable.pte(va)));
    assertEquals(0, copy.kernel().pageTable.pte(va), "the copy's page table has no mapping made after it");
    Task b2 = fork(copy, "b", 0, ThreadKind.USER);   // and can make the same one itself
    assertEquals(va, b2.stack.pageVa(0));
    copy.checkInvariants();
    m.checkInvariants();
    assertTrue(copy.sameState(m));
  }

  @Test void twoOrdersOfIndependentEventsLeaveTheSameState() {
    Machine one = new Machine(new MachineConfig());
    Task a = fork(one, "a", 0, ThreadKind.USER);
    Task b = fork(one, "b", 1, ThreadKind.USER);
    Machine two = one.copy();
    Task a2 = two.liveTasks().get(0), b2 = two.liveTasks().get(1);
    one.apply(new Op.Touch(a, 1, 2));
    one.apply(new Op.Touch(b, 1, 3));
    two.apply(new Op.Touch(b2, 1, 3));
    two.apply(new Op.Touch(a2, 1, 2));
    assertTrue(one.sameState(two));
    assertEquals(one.stateHash(), two.stateHash());
  }

  @Test void aTlbEntryLeftBehindMakesADifferentState() {
    Machine one = new Machine(new MachineConfig());
    Task a = fork(one, "a", 0, ThreadKind.USER);
    Machine two = one.copy();
    one.apply(new Op.Touch(a, 1, 3));   // cpu 3's TLB now holds a's top page
    assertFalse(one.sameState(two));
    assertNotEquals(one.stateHash(), two.stateHash());
  }
}
