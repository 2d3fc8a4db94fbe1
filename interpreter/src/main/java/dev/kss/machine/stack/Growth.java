package dev.kss.machine.stack;

import dev.kss.machine.cost.CostModel.Primitive;
import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.metrics.Metric;
import dev.kss.machine.sched.Task;

/**
 * {@code grow}, {@code fault_stack}, {@code fault_may_sleep}, {@code fault_around}: how unmapped
 * pages of a live thread's stack get mapped, on a fault, on kernel entry, before a switch-in, or on
 * {@code ensure}.
 */
final class Growth {
  private final Policy p;
  private final Kernel k;

  Growth(Policy p) {
    this.p = p;
    this.k = p.k;
  }

  /**
   * A stack page fault on {@code t}'s own stack. Without growth on fault the unmapped page works as a
   * guard page: the thread is killed. Without a separate fault stack the #PF cannot push its frame:
   * a double fault. A handler that may sleep, entered with preemption or IRQs off, is OSv's
   * assertion in page_fault(). Pages are mapped from the hole's end down to the fault (RFC patch
   * 10/14: there are never two holes), at least {@code fault_around} of them. Returns false when
   * the thread died of it.
   */
  boolean fault(Task t, int page) {
    KernelStack s = t.stack;
    PolicyConfig c = p.config;
    long start = k.probeStart();
    k.metrics.inc(p.id, Metric.FAULTS_STACK);
    k.charge(Primitive.STACK_FAULT);
    if (k.probing) k.probe().fault(t.cpu, t, start, k.now() - start, page);
    PolicyHooks hooks = p.hooks();
    boolean handled = hooks != null && hooks.fault(t, page);
    if (!handled && !c.growOnFault) {
      k.metrics.inc(p.id, Metric.OVERFLOW);
      if (k.probing) k.probe().violation(t.cpu, t, k.now(), Metric.OVERFLOW, s.pageVa(page));
      k.kill(t, "was killed: it touched unmapped page " + page + " of its stack, which this policy never maps on a fault");
      return false;
    }
    if (c.faultStack == PolicyConfig.FaultStack.NONE) violation(t, Metric.DOUBLE_FAULT, s.pageVa(page));
    if (t.atomic() && c.faultMaySleep) violation(t, Metric.ATOMIC_FAULT, s.pageVa(page));
    if (handled) return true;
    boolean fromSupply = p.supply != null;
    int last = Math.min(s.pages - 1, page + c.faultAround - 1);
    for (int q = 0; q <= last; q++) if (!s.isMapped(q)) p.pages.mapPage(s, q, t.cpu, fromSupply);
    return true;
  }

  private void violation(Task t, Metric m, long va) {
    k.metrics.inc(p.id, m);
    if (k.probing) k.probe().violation(t.cpu, t, k.now(), m, va);
  }

  /** Kernel entry maps the top {@code grow on enter to} bytes (Tatashin's enter_from_user_mode variant). */
  void onEnter(Task t) {
    if (p.config.growOnEnterTo == 0 || t.stack.directMapped) return;
    int n = Math.min(t.stack.pages, KernelStack.pagesFor(p.config.growOnEnterTo));
    for (int q = 0; q < n; q++) if (!t.stack.isMapped(q)) p.pages.mapPage(t.stack, q, t.cpu, true);
  }

  /**
   * {@code grow on switch}: before a thread is switched in, its whole stack is mapped again from the
   * per-CPU supply, since the switch path cannot sleep (Brian Gerst's proposal and Pasha's answer).
   */
  void onSwitchIn(Task t, int cpu) {
    if (!p.config.growOnSwitch || t.stack.directMapped) return;
    for (int q = 0; q < t.stack.pages; q++) if (!t.stack.isMapped(q)) p.pages.mapPage(t.stack, q, cpu, true);
  }

  /**
   * {@code ensure T SIZE}: room for SIZE more bytes below the current depth. With growth on ensure
   * the pages are mapped now (may sleep); otherwise it succeeds only if they are mapped or can be
   * faulted in. Refused when the stack is too small, unless the policy runs the rest on a new segment.
   */
  void ensure(Task t, long bytes) {
    KernelStack s = t.stack;
    PolicyConfig c = p.config;
    int need = KernelStack.pagesFor(s.depth + bytes);
    if (c.ensureBySegment && need > s.pages) {
      p.segment.expand(t, need - s.pages);
      return;
    }
    if (need > s.pages) { k.metrics.inc(p.id, Metric.ENSURE_FAILED); return; }
    if (s.directMapped) return;
    if (c.growOnEnsure) {
      for (int q = 0; q < need; q++) if (!s.isMapped(q)) p.pages.mapPage(s, q, t.cpu, false);
      return;
    }
    if (!c.growOnFault) for (int q = 0; q < need; q++) if (!s.isMapped(q)) {
      k.metrics.inc(p.id, Metric.ENSURE_FAILED);
      return;
    }
  }
}
