package dev.kss.machine.stack;

import dev.kss.machine.base.State;
import dev.kss.machine.cost.CostModel.Primitive;
import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.mem.VmallocArea;
import dev.kss.machine.metrics.Metric;
import dev.kss.machine.tlb.Invalidate;

/** {@code backing vmalloc}: CONFIG_VMAP_STACK (Linux 4.9), a vmalloc area with order-0 pages and a guard page. */
final class VmallocBacking extends StackBacking {
  final VmallocArea area;

  VmallocBacking(Policy p, int window) {
    super(p);
    area = new VmallocArea(window, p.config.size, p.config.guardPages, p.config.guardAbove, dev.kss.machine.mem.Page.SIZE, k.cpus());
  }

  private VmallocBacking(VmallocBacking o, Policy p) {
    super(p);
    area = o.area.copy();
  }

  @Override StackBacking copy(Policy p) { return new VmallocBacking(this, p); }

  @Override KernelStack build(int cpu) {
    k.charge(Primitive.VMAP_AREA);
    int slot = area.alloc();
    return new KernelStack(k.nextStackSerial(), p.id, area.slotVa(slot) + p.config.size, p.config.stackPages(), slot, 0, false);
  }

  @Override void destroy(KernelStack s, int cpu) {
    // vfree(): PTEs cleared without a flush, pages freed at once, the VA held until a purge.
    k.charge(Primitive.VUNMAP_AREA);
    for (int q = 0; q < s.pages; q++) if (s.isMapped(q)) p.pages.freeFrame(s, q, p.pages.unmap(s, q, cpu), cpu, false);
    int slot = (int) s.handle;
    if (!p.config.vfreeLazy) {
      long[] vas = p.scratch;
      for (int q = 0; q < s.pages; q++) vas[q] = s.pageVa(q);
      k.mmu.invalidate(cpu, vas, s.pages, Invalidate.BROADCAST, p.id, k.opThread());
      area.freeEager(slot);
    } else if (area.freeLazy(slot)) {
      // lazy_max_pages exceeded: __purge_vmap_area_lazy, one flush_tlb_kernel_range for all.
      k.metrics.inc(p.id, Metric.TLB_PURGES);
      k.mmu.flushAllCpus(cpu, p.id, k.opThread());
      area.purge();
    }
  }

  @Override long virtualBytes() { return area.reservedBytes(); }

  @Override void state(State s) { area.state(s); }
}
