package dev.kss.machine.stack;

import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.metrics.Latency;
import dev.kss.machine.sched.Cpu;
import dev.kss.machine.sched.SwitchPath;
import dev.kss.machine.sched.Task;

/** The policies' part of a context switch (kernel/sched/core.c __schedule() and finish_task_switch()). */
final class SwitchSteps implements SwitchPath {
  private final Kernel k;

  SwitchSteps(Kernel k) { this.k = k; }

  @Override public void switchOut(Task prev, Cpu cpu) {
    Policy p = k.policyOf(prev);
    p.onSwitchOut(prev);
    p.refillSupply(cpu.id);   // dynamic_stack(prev) in __schedule()
  }

  @Override public void finishDead(Task prev, Cpu cpu) { k.release.atSwitch(prev, cpu.id); }

  @Override public void switchIn(Task next, Cpu cpu) {
    Policy p = k.policyOf(next);
    p.onSwitchIn(next, cpu.id);
    // switch_to() pops the next thread's saved registers from its stack.
    int page = Math.max(0, KernelStack.pagesFor(next.stack.depth) - 1);
    p.access.touchPage(next, Math.min(page, next.stack.pages - 1));
  }

  @Override public void switched(Cpu cpu, Task prev, Task next, long cost) {
    Task owner = next != null ? next : prev;
    if (owner != null) k.metrics.record(owner.policy, Latency.Op.SWITCH, cost);
    if (k.probing) k.probe().contextSwitch(cpu.id, prev, next, k.now() - cost, cost);
  }
}
