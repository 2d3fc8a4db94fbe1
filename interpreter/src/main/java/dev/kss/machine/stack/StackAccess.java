package dev.kss.machine.stack;

import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.mem.Page;
import dev.kss.machine.metrics.Metric;
import dev.kss.machine.sched.Task;
import dev.kss.machine.tlb.Mmu;

/**
 * A thread touching its own stack: through its CPU's TLB, faulting on an unmapped page
 * ({@link Growth#fault}), and past the stack's end into the guard page (an oops: the thread is
 * killed) or, without a guard, into the neighbour (a silent overflow).
 */
public final class StackAccess {
  private final Policy p;
  private final Kernel k;

  StackAccess(Policy p) {
    this.p = p;
    this.k = p.k;
  }

  /** The thread touches page {@code page} of its own stack on its CPU; false if it died of it. */
  public boolean touchOwn(Task t, int page) {
    KernelStack s = t.stack;
    if (s.directMapped) return true;
    Mmu.Access a = k.mmu.access(t.cpu, s.pageVa(page), p.id, t);
    if (a != Mmu.Access.NOT_MAPPED) return true;
    if (!p.growth.fault(t, page)) return false;
    k.mmu.access(t.cpu, s.pageVa(page), p.id, t);
    return true;
  }

  /** The thread touches page {@code page} of its stack, past its end included (the guard, or the neighbour). */
  public boolean touchPage(Task t, int page) {
    if (page >= t.stack.pages) return overflow(t, Page.bytes(page + 1));
    return touchOwn(t, page);
  }

  /** The stack ran past its end: a guard page stops it (oops, the thread dies), else the neighbour is overwritten. */
  public boolean overflow(Task t, long bytes) {
    if (p.hasGuard()) {
      k.metrics.inc(p.id, Metric.OVERFLOW);
      if (k.probing) k.probe().violation(t.cpu, t, k.now(), Metric.OVERFLOW, t.stack.pageVa(t.stack.pages));
      k.kill(t, "was killed by a stack overflow (" + bytes + " bytes into a " + t.stack.size() + "-byte stack hit the guard page)");
      return false;
    }
    k.metrics.inc(p.id, Metric.SILENT_OVERFLOW);
    if (k.probing) k.probe().violation(t.cpu, t, k.now(), Metric.SILENT_OVERFLOW, t.stack.pageVa(t.stack.pages));
    return true;
  }
}
