package dev.kss.machine.stack;

import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.mem.Page;
import dev.kss.machine.metrics.Metric;
import dev.kss.machine.sched.Task;

/**
 * {@code prefault}: touches below the stack pointer before preempt_disable or irq_disable, so that
 * the fault happens while the handler may still sleep (OSv issue #143, commits of Aug 2022).
 * {@code next_page} does it even when already atomic (the nesting bug); {@code counter} only at
 * the outermost disable.
 */
final class Prefault {
  private final Policy p;

  Prefault(Policy p) { this.p = p; }

  void before(Task t) {
    PolicyConfig.Prefault mode = p.config.prefault;
    if (mode == PolicyConfig.Prefault.NONE) return;
    if (mode == PolicyConfig.Prefault.COUNTER && t.atomic()) return;   // only at the outermost disable
    int touches = mode == PolicyConfig.Prefault.NEXT_TWO_PAGES ? 2 : 1;
    for (int i = 1; i <= touches && t.alive(); i++) {
      p.k.metrics.inc(p.id, Metric.PREFAULTS);
      int page = KernelStack.pageOf(t.stack.depth + Page.bytes(i));
      p.access.touchPage(t, page);
    }
  }
}
