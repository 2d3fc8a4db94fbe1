package dev.kss.machine.tlb;

import dev.kss.machine.Kernel;
import dev.kss.machine.cost.CostModel.Primitive;
import dev.kss.machine.mem.PageTable;
import dev.kss.machine.metrics.Counter;
import dev.kss.machine.sched.Cpu;
import dev.kss.machine.stack.PolicyConfig.Invalidate;

/**
 * Accesses through the TLBs and their invalidation. Every access through a TLB entry is checked
 * against the page table: an entry whose PTE changed since the fill (unmapped, or mapped again,
 * even to the same frame) is stale, and the access is counted as {@code violations.stale_tlb}: the
 * hardware would have used it (MODEL.md section 1).
 */
public final class Mmu implements java.io.Serializable {
  public enum Access { HIT, FILLED, STALE, NOT_MAPPED }

  private final Kernel k;
  private final int[] gens = new int[4];

  public Mmu(Kernel k) { this.k = k; }

  /** CPU {@code cpu} reads {@code va}; metrics go to {@code policy}. */
  public Access access(Cpu cpu, long va, int policy) {
    Tlb tlb = cpu.tlb();
    long vpn = va >>> 12;
    long hit = tlb.lookup(vpn);
    PageTable pt = k.pageTable;
    if (hit != Tlb.MISS) {
      long pte = pt.pte(va);
      if (!PageTable.present(pte) || PageTable.gen(pte) != (int) (hit >>> 32)) {
        k.metrics.inc(policy, Counter.STALE_TLB);
        return Access.STALE;
      }
      return Access.HIT;
    }
    k.metrics.inc(policy, Counter.TLB_MISSES);
    k.charge(Primitive.PAGE_WALK);
    long pte = pt.pte(va);
    if (!PageTable.present(pte)) return Access.NOT_MAPPED;
    pt.setAccessed(va);
    fill(tlb, va, pte, policy);
    if (k.config.tlb.speculativeFills) {
      // The walker may also fetch the next page down the stack, filling the TLB without
      // setting its accessed bit (Stevens, lkml 2606.2/07188).
      long below = va - 4096;
      long p2 = pt.pte(below);
      if (PageTable.present(p2) && tlb.lookup(below >>> 12) == Tlb.MISS) fill(tlb, below, p2, policy);
    }
    return Access.FILLED;
  }

  private void fill(Tlb tlb, long va, long pte, int policy) {
    long vpn = va >>> 12;
    if (k.config.tlb.coalesce16k) {
      long baseVa = va & ~0x3fffL;
      long p0 = k.pageTable.pte(baseVa);
      int pfn0 = PageTable.pfn(p0);
      boolean ok = PageTable.present(p0) && (pfn0 & 3) == 0;
      for (int i = 0; i < 4 && ok; i++) {
        long pi = k.pageTable.pte(baseVa + i * 4096L);
        ok = PageTable.present(pi) && PageTable.pfn(pi) == pfn0 + i;
        gens[i] = PageTable.gen(pi);
      }
      if (ok) {
        tlb.fillCoalesced(baseVa >>> 12, pfn0, gens);
        k.metrics.inc(policy, Counter.TLB_COALESCED);
        return;
      }
    }
    tlb.fill(vpn, PageTable.pfn(pte), PageTable.gen(pte));
  }

  /**
   * Invalidates {@code n} pages after their PTEs changed, as {@code mode} says, starting on CPU
   * {@code local}: INVLPG per page up to tlb_single_page_flush_ceiling (33), a full flush above
   * (arch/x86/mm/tlb.c); broadcast adds an IPI round to every other CPU (flush_tlb_kernel_range
   * uses on_each_cpu); INVLPGB reaches every CPU without IPIs.
   */
  public void invalidate(Cpu local, long[] vas, int n, Invalidate mode, int policy) {
    if (n == 0 || mode == Invalidate.NONE) return;
    switch (mode) {
      case LOCAL -> { flushOn(local, vas, n, policy); chargeFlush(n); }
      case BROADCAST -> {
        for (Cpu c : k.cpus) flushOn(c, vas, n, policy);
        chargeFlush(n);
        shootdown(policy);
      }
      case INVLPGB -> {
        for (Cpu c : k.cpus) if (c.hasTlb()) for (int i = 0; i < n; i++) c.tlb().invalidate(vas[i] >>> 12);
        k.metrics.inc(policy, Counter.TLB_FLUSHES);
        k.charge(Primitive.INVLPGB);
      }
      default -> throw new IllegalStateException();
    }
  }

  /** flush_tlb_kernel_range over a large range on every CPU: the lazy vmap purge (a full flush each). */
  public void flushAllCpus(int policy) {
    for (Cpu c : k.cpus) {
      if (c.hasTlb()) c.tlb().flushAll();
      k.metrics.inc(policy, Counter.TLB_FLUSHES);
    }
    k.charge(Primitive.FULL_FLUSH);
    shootdown(policy);
  }

  private void flushOn(Cpu c, long[] vas, int n, int policy) {
    k.metrics.inc(policy, Counter.TLB_FLUSHES);
    if (!c.hasTlb()) return;
    Tlb tlb = c.tlb();
    if (n > k.config.tlb.flushCeiling) tlb.flushAll();
    else for (int i = 0; i < n; i++) tlb.invalidate(vas[i] >>> 12);
  }

  private void chargeFlush(int n) {
    if (n > k.config.tlb.flushCeiling) k.charge(Primitive.FULL_FLUSH);
    else k.charge(Primitive.INVLPG, n);
  }

  private void shootdown(int policy) {
    int targets = k.cpus.length - 1;
    if (targets == 0) return;
    k.metrics.inc(policy, Counter.TLB_SHOOTDOWNS);
    k.metrics.add(policy, Counter.IPIS, targets);
    k.charge(Primitive.IPI_ROUND);
    k.charge(Primitive.IPI_TARGET, targets);
  }
}
