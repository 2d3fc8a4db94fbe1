package dev.kss.machine.tlb;

import dev.kss.machine.cost.Clock;
import dev.kss.machine.cost.CostModel.Primitive;
import dev.kss.machine.mem.Page;
import dev.kss.machine.mem.PageTable;
import dev.kss.machine.metrics.Metric;
import dev.kss.machine.metrics.Metrics;
import dev.kss.machine.probe.Probe;
import dev.kss.machine.sched.Task;

/**
 * The CPUs' MMUs: each CPU's TLB, the accesses through them and their invalidation. Every access
 * through a TLB entry is checked against the page table: an entry whose PTE changed since the fill
 * (unmapped, or mapped again, even to the same frame) is stale, and the access is counted as
 * {@code violations.stale_tlb}: the hardware would have used it.
 *
 * <p>Metrics go to the policy named by each call; {@code thread} is the thread the access or the
 * invalidation is for, for the probe.
 */
public final class Mmu {
  public enum Access { HIT, FILLED, STALE, NOT_MAPPED }

  private final PageTable pageTable;
  private final TlbConfig config;
  private final Clock clock;
  private final Metrics metrics;
  /** Built on first use: a 4096-CPU machine only pays for the CPUs a scenario uses. */
  private final Tlb[] tlbs;
  private Probe probe = Probe.NONE;
  /** Whether anybody listens: no listener, no cost (not even the arguments). */
  private boolean probing;
  private final int[] gens = new int[4];

  public Mmu(PageTable pageTable, TlbConfig config, int cpus, Clock clock, Metrics metrics) {
    this.pageTable = pageTable;
    this.config = config;
    this.clock = clock;
    this.metrics = metrics;
    this.tlbs = new Tlb[cpus];
  }

  private Mmu(Mmu o, PageTable pageTable, Clock clock, Metrics metrics) {
    this.pageTable = pageTable;
    this.config = o.config;
    this.clock = clock;
    this.metrics = metrics;
    this.tlbs = o.tlbs.clone();
    for (Tlb t : tlbs) if (t != null) t.share();
  }

  /** A copy over the copies of the page table, clock and metrics; the TLBs are shared until used. */
  public Mmu copy(PageTable pageTable, Clock clock, Metrics metrics) { return new Mmu(this, pageTable, clock, metrics); }

  public void setProbe(Probe p) {
    this.probe = p;
    this.probing = p != Probe.NONE;
  }

  /** CPU {@code cpu}'s TLB, to look at (null when it was never used). */
  public Tlb tlbOf(int cpu) { return tlbs[cpu]; }

  /** CPU {@code cpu}'s TLB to use: made on first use, copied first when another machine may see it. */
  private Tlb tlb(int cpu) {
    Tlb t = tlbs[cpu];
    if (t == null) t = tlbs[cpu] = new Tlb(config);
    else if (t.isShared()) t = tlbs[cpu] = t.copy();
    return t;
  }

  /** CPU {@code cpu} reads {@code va}. */
  public Access access(int cpu, long va, int policy, Task thread) {
    Tlb tlb = tlb(cpu);
    long vpn = Page.number(va);
    long hit = tlb.lookup(vpn);
    PageTable pt = pageTable;
    if (hit != Tlb.MISS) {
      long pte = pt.pte(va);
      if (!PageTable.present(pte) || PageTable.gen(pte) != (int) (hit >>> 32)) {
        metrics.inc(policy, Metric.STALE_TLB);
        if (probing) probe.violation(cpu, thread, clock.now(), Metric.STALE_TLB, va);
        return Access.STALE;
      }
      return Access.HIT;
    }
    metrics.inc(policy, Metric.TLB_MISSES);
    long walk = clock.charge(Primitive.PAGE_WALK);
    long pte = pt.pte(va);
    if (!PageTable.present(pte)) return Access.NOT_MAPPED;
    pt.setAccessed(va);
    fill(tlb, va, pte, policy);
    if (probing) probe.tlbFill(cpu, thread, clock.now() - walk, walk, va);
    if (config.speculativeFills) {
      // The walker may also fetch the next page down the stack, filling the TLB without
      // setting its accessed bit (Stevens, lkml 2606.2/07188).
      long below = va - Page.SIZE;
      long p2 = pt.pte(below);
      if (PageTable.present(p2) && tlb.lookup(Page.number(below)) == Tlb.MISS) fill(tlb, below, p2, policy);
    }
    return Access.FILLED;
  }

  private void fill(Tlb tlb, long va, long pte, int policy) {
    long vpn = Page.number(va);
    if (config.coalesce16k) {
      long baseVa = va & ~0x3fffL;
      long p0 = pageTable.pte(baseVa);
      int pfn0 = PageTable.pfn(p0);
      boolean ok = PageTable.present(p0) && (pfn0 & 3) == 0;
      for (int i = 0; i < 4 && ok; i++) {
        long pi = pageTable.pte(baseVa + Page.bytes(i));
        ok = PageTable.present(pi) && PageTable.pfn(pi) == pfn0 + i;
        gens[i] = PageTable.gen(pi);
      }
      if (ok) {
        tlb.fillCoalesced(Page.number(baseVa), pfn0, gens);
        metrics.inc(policy, Metric.TLB_COALESCED);
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
  public void invalidate(int local, long[] vas, int n, Invalidate mode, int policy, Task thread) {
    if (n == 0 || mode == Invalidate.NONE) return;
    long start = clock.now();
    switch (mode) {
      case LOCAL -> {
        flushOn(local, vas, n, policy);
        long c = chargeFlush(n);
        if (probing) probe.tlbFlush(local, thread, start, c, flushed(n));
      }
      case BROADCAST -> {
        for (int cpu = 0; cpu < tlbs.length; cpu++) flushOn(cpu, vas, n, policy);
        long c = chargeFlush(n);
        if (probing) for (int cpu = 0; cpu < tlbs.length; cpu++) probe.tlbFlush(cpu, thread, start, cpu == local ? c : 0, flushed(n));
        shootdown(local, policy, thread);
      }
      case INVLPGB -> {
        for (int cpu = 0; cpu < tlbs.length; cpu++) if (tlbs[cpu] != null) for (int i = 0; i < n; i++) tlb(cpu).invalidate(Page.number(vas[i]));
        metrics.inc(policy, Metric.TLB_FLUSHES);
        long c = clock.charge(Primitive.INVLPGB);
        if (probing) probe.tlbFlush(local, thread, start, c, n);
      }
      default -> throw new IllegalStateException();
    }
  }

  /** flush_tlb_kernel_range over a large range on every CPU: the lazy vmap purge (a full flush each). */
  public void flushAllCpus(int local, int policy, Task thread) {
    long start = clock.now();
    for (int cpu = 0; cpu < tlbs.length; cpu++) {
      if (tlbs[cpu] != null) tlb(cpu).flushAll();
      metrics.addOn(cpu, policy, Metric.TLB_FLUSHES, 1);
    }
    long c = clock.charge(Primitive.FULL_FLUSH);
    if (probing) for (int cpu = 0; cpu < tlbs.length; cpu++) probe.tlbFlush(cpu, thread, start, cpu == local ? c : 0, -1);
    shootdown(local, policy, thread);
  }

  private int flushed(int n) { return n > config.flushCeiling ? -1 : n; }

  private void flushOn(int cpu, long[] vas, int n, int policy) {
    metrics.addOn(cpu, policy, Metric.TLB_FLUSHES, 1);
    if (tlbs[cpu] == null) return;
    Tlb tlb = tlb(cpu);
    if (n > config.flushCeiling) tlb.flushAll();
    else for (int i = 0; i < n; i++) tlb.invalidate(Page.number(vas[i]));
  }

  private long chargeFlush(int n) {
    if (n > config.flushCeiling) return clock.charge(Primitive.FULL_FLUSH);
    return clock.charge(Primitive.INVLPG, n);
  }

  private void shootdown(int local, int policy, Task thread) {
    int targets = tlbs.length - 1;
    if (targets == 0) return;
    long start = clock.now();
    metrics.inc(policy, Metric.TLB_SHOOTDOWNS);
    metrics.add(policy, Metric.IPIS, targets);
    long c = clock.charge(Primitive.IPI_ROUND) + clock.charge(Primitive.IPI_TARGET, targets);
    if (probing) for (int cpu = 0; cpu < tlbs.length; cpu++) if (cpu != local) probe.ipi(local, cpu, thread, start);
    if (probing) probe.shootdown(local, thread, start, c, targets);
  }

  public void state(dev.kss.machine.base.State s) {
    for (Tlb t : tlbs) s.put(t);
  }
}
