package dev.kss.machine;

import static org.junit.jupiter.api.Assertions.*;

import dev.kss.machine.mem.PageTable;
import dev.kss.machine.metrics.Metric;
import dev.kss.machine.op.Op;
import dev.kss.machine.sched.Task;
import dev.kss.machine.sched.ThreadKind;
import org.junit.jupiter.api.Test;

/** The invariant checker finds a machine corrupted behind the model's back, each way it can be. */
class InvariantsTest {
  private final Machine m = new Machine(new MachineConfig());
  private final Task a = m.apply(new Op.Fork("a", 0, ThreadKind.USER, m.builtinDefault().id, null));

  private void broken(String because) {
    IllegalStateException e = assertThrows(IllegalStateException.class, m::checkInvariants);
    assertTrue(e.getMessage().contains(because), e.getMessage());
  }

  @Test void aHealthyMachinePasses() { assertDoesNotThrow(m::checkInvariants); }

  @Test void aThreadWhoseLastEventEndsAfterEveryClock() {
    a.readyAt = m.now() + 1;
    broken("'a''s last event ends at");
  }

  @Test void aGracePeriodThatEndedBeforeACpuPassedAQuiescentState() {
    var rcu = m.kernel().rcu;
    rcu.call(null, 0, c -> c != 1);   // CPU 1 owes a quiescent state
    rcu.quiescent(1, 5_000_000);
    assertEquals(1, rcu.poll(Long.MAX_VALUE, c -> true).size());
    assertDoesNotThrow(m::checkInvariants);
    rcu.lastEnded().qsAt()[1] = 9_000_000;   // as if the grace period ended before CPU 1 got there
    broken("without cpu 1's quiescent state in it");
  }

  @Test void aPteClearedWithoutTheStackKnowing() {
    m.kernel().pageTable.unmap(a.stack.pageVa(0));
    broken("a: page 0 is mapped but its PTE says otherwise");
  }

  @Test void aStackFrameFreedWhileStillMapped() {
    int pfn = PageTable.pfn(m.kernel().pageTable.pte(a.stack.pageVa(1)));
    m.kernel().memory.free(pfn, 0, 0);
    broken("is backed by free frame " + pfn);
  }

  @Test void aFrameMappedIntoTwoStacks() {
    Task b = m.apply(new Op.Fork("b", 1, ThreadKind.USER, m.builtinDefault().id, null));
    int pfn = PageTable.pfn(m.kernel().pageTable.pte(a.stack.pageVa(2)));
    m.kernel().pageTable.unmap(b.stack.pageVa(2));
    m.kernel().pageTable.map(b.stack.pageVa(2), pfn, 0, 1);
    broken("is mapped twice");
  }

  @Test void aCounterThatDisagreesWithTheStacks() {
    m.kernel().metrics.add(0, Metric.STACKS_RESIDENT, 1);
    broken("stacks.resident counts 5 pages, the stacks hold 4");
  }

  @Test void aCpuRunningASleepingThread() {
    m.apply(new Op.Run(a));
    a.state = Task.State.SLEEPING;   // put to sleep behind the scheduler's back
    broken("cpu 0 runs 'a', which is not runnable there");
  }
}
