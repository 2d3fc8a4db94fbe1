package dev.kss.machine.stack;

import dev.kss.machine.base.State;
import dev.kss.machine.cost.CostModel.Primitive;
import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.mem.Page;
import dev.kss.machine.metrics.Metric;

/**
 * {@code backing direct} and {@code heap}: physically contiguous frames in the direct map, one
 * buddy block (order 2 for 16 KiB, THREAD_SIZE_ORDER: Linux before 4.9; OSv's malloc'ed kernel-thread
 * stacks). Always resident, no guard, no PTEs of their own.
 */
final class ContiguousBacking extends StackBacking {
  /** x86-64 direct map (page_offset_base without KASLR): direct and malloc'ed stacks live here. */
  static final long DIRECT_MAP = 0xffff888000000000L;

  private long bytes;

  ContiguousBacking(Policy p) { super(p); }

  private ContiguousBacking(ContiguousBacking o, Policy p) {
    super(p);
    bytes = o.bytes;
  }

  @Override StackBacking copy(Policy p) { return new ContiguousBacking(this, p); }

  private static int order(int pages) { return 32 - Integer.numberOfLeadingZeros(pages - 1); }

  @Override KernelStack build(int cpu) {
    int pages = p.config.stackPages();
    int pfn = k.memory.alloc(order(pages), cpu);
    k.charge(Primitive.PAGE_ALLOC);
    bytes += Page.bytes(pages);
    if (p.config.zeroNew) k.clock.chargeZeroing(pages);
    KernelStack s = new KernelStack(k.nextStackSerial(), p.id, DIRECT_MAP + Page.bytes((long) pfn + pages), pages, pfn, 0, true);
    k.metrics.add(p.id, Metric.STACKS_RESIDENT, pages);
    return s;
  }

  @Override void populate(KernelStack s, int n, int cpu) { }

  @Override void destroy(KernelStack s, int cpu) {
    k.memory.free((int) s.handle, order(s.pages), cpu);
    k.charge(Primitive.PAGE_FREE);
    bytes -= Page.bytes(s.pages);
  }

  @Override long virtualBytes() { return bytes; }

  @Override void state(State s) { s.put(bytes); }
}
