package dev.kss.machine.stack;

import dev.kss.machine.cost.CostModel.Primitive;
import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.mem.PageTable;
import dev.kss.machine.metrics.Metric;

/**
 * The page-level steps every mechanism of a policy uses: map a page of a stack (from the backing,
 * or from the per-CPU supply when the path cannot sleep), unmap pages, invalidate the TLBs as the
 * policy says, and give the frames back. Each step keeps the page table, the stack's bitmap and the
 * policy's counters in agreement.
 */
final class Pages {
  private final Policy p;
  private final Kernel k;

  Pages(Policy p) {
    this.p = p;
    this.k = p.k;
  }

  /** Maps page {@code page} of a stack; {@code atomic}: the frame must come from the per-CPU supply. */
  void mapPage(KernelStack s, int page, int cpu, boolean atomic) {
    int pfn = p.supply != null && atomic && !(p.backing instanceof ArenaBacking) ? p.supply.take(cpu) : p.backing.frame(s, page, cpu);
    mapFrame(s, page, pfn, cpu);
  }

  void mapFrame(KernelStack s, int page, int pfn, int cpu) {
    long start = k.probeStart();
    if (p.config.zeroNew) k.clock.chargeZeroing(1);
    long va = s.pageVa(page);
    k.pageTable.map(va, pfn, p.id, cpu);
    k.charge(Primitive.PTE_SET);
    s.setMapped(page, true);
    if (s.live()) k.metrics.add(p.id, Metric.STACKS_RESIDENT, 1);
    if (k.probing) k.probe().map(cpu, k.opThread(), start, k.now() - start, va, pfn);
  }

  /** Clears page {@code page}'s PTE (no TLB invalidation) and returns its frame. */
  int unmap(KernelStack s, int page, int cpu) {
    long va = s.pageVa(page);
    int pfn = k.pageTable.unmap(va);
    long c = k.charge(Primitive.PTE_SET);
    s.setMapped(page, false);
    if (s.live()) k.metrics.add(p.id, Metric.STACKS_RESIDENT, -1);
    if (k.probing) k.probe().unmap(cpu, k.opThread(), k.now() - c, c, va, pfn);
    return pfn;
  }

  /** The frame of an unmapped page goes back: to the backing's store, to the supply when {@code toSupply} and it has room, else to the buddy allocator. */
  void freeFrame(KernelStack s, int page, int pfn, int cpu, boolean toSupply) {
    if (p.backing.takeBack(s, page, pfn, cpu)) return;
    if (toSupply && p.supply != null && p.supply.give(cpu, pfn)) return;
    k.memory.free(pfn, 0, cpu);
    k.charge(Primitive.PAGE_FREE);
  }

  /**
   * Unmaps every mapped page from {@code first} down, invalidates the TLBs as the policy says, then
   * frees the frames (to the supply when {@code toSupply}). Returns the number of pages unmapped.
   */
  int unmapBelow(KernelStack s, int first, int cpu, boolean toSupply) { return unmapPages(s, first, cpu, toSupply, false); }

  /** Only the pages whose accessed bit is still clear (reclaim of never-accessed pages), to the supply. */
  int reclaimUnaccessed(KernelStack s, int first, int cpu) { return unmapPages(s, first, cpu, true, true); }

  private int unmapPages(KernelStack s, int first, int cpu, boolean toSupply, boolean onlyUnaccessed) {
    int n = 0;
    long[] vas = p.scratch;
    int[] pfns = p.scratchPfns, pages = p.scratchPages;
    for (int q = first; q < s.pages; q++) {
      if (!s.isMapped(q)) continue;
      if (onlyUnaccessed && PageTable.accessed(k.pageTable.pte(s.pageVa(q)))) continue;
      vas[n] = s.pageVa(q);
      pages[n] = q;
      pfns[n++] = unmap(s, q, cpu);
    }
    if (n == 0) return 0;
    k.mmu.invalidate(cpu, vas, n, p.backing.invalidation(), p.id, k.opThread());
    for (int i = 0; i < n; i++) freeFrame(s, pages[i], pfns[i], cpu, toSupply);
    return n;
  }

  /** One page, unmapped and invalidated on its own (the shrinker's way: one flush per page). */
  void unmapOne(KernelStack s, int page, int cpu) {
    long[] va = p.scratch;
    va[0] = s.pageVa(page);
    int pfn = unmap(s, page, cpu);
    k.mmu.invalidate(cpu, va, 1, p.config.invalidate, p.id, k.opThread());
    freeFrame(s, page, pfn, cpu, true);
  }
}
