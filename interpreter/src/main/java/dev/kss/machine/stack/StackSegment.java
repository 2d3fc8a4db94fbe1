package dev.kss.machine.stack;

import dev.kss.machine.cost.CostModel.Primitive;
import dev.kss.machine.metrics.Metric;
import dev.kss.machine.sched.Task;

/**
 * {@code ensure_by segment}: KeExpandKernelStackAndCallout(Ex). When the stack has less than the
 * guaranteed room, the callout runs on "a new kernel stack segment" (learn.microsoft.com ntddk
 * KeExpandKernelStackAndCallout). Its frames count as resident until the callout returns (depth
 * back within the stack) or the thread leaves the kernel.
 */
final class StackSegment {
  /** Largest expansion KeExpandKernelStackAndCallout grants (MAXIMUM_EXPANSION_SIZE; our figure: 64 KiB). */
  static final int MAX_PAGES = 16;

  private final Policy p;
  private final Kernel k;

  StackSegment(Policy p) {
    this.p = p;
    this.k = p.k;
  }

  void expand(Task t, int pages) {
    if (t.segment.length >= pages) return;
    if (pages > MAX_PAGES) { k.metrics.inc(p.id, Metric.ENSURE_FAILED); return; }
    release(t);
    k.charge(Primitive.VMAP_AREA);
    int[] seg = new int[pages];
    for (int i = 0; i < pages; i++) {
      seg[i] = k.memory.alloc(0, t.cpu);
      k.charge(Primitive.PAGE_ALLOC);
    }
    t.segment = seg;
    k.metrics.add(p.id, Metric.STACKS_RESIDENT, pages);
  }

  /** The callout returned: its segment goes back. */
  void release(Task t) {
    if (t.segment.length == 0) return;
    for (int pfn : t.segment) {
      k.memory.free(pfn, 0, t.cpu);
      k.charge(Primitive.PAGE_FREE);
    }
    if (t.alive()) k.metrics.add(p.id, Metric.STACKS_RESIDENT, -t.segment.length);
    t.segment = dev.kss.machine.sched.Task.NO_SEGMENT;
  }
}
