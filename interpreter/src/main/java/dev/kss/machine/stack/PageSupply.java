package dev.kss.machine.stack;

import dev.kss.machine.base.State;
import dev.kss.machine.cost.CostModel.Primitive;
import dev.kss.machine.metrics.Metric;

/**
 * Pages reserved per CPU for stack faults that must not sleep, refilled at context switch: the
 * Dynamic Kernel Stacks RFC's per-CPU {@code dynamic_stack_pages[3]}, refilled by
 * {@code dynamic_stack_refill_pages()} from {@code __schedule()} (RFC v1 patch 10/14). In the
 * enter/leave variant the same per-CPU pages are the page cache that kernel entry maps from and
 * exit gives back to (Tatashin, 16 March 2024). With {@code supply global N} one pool serves every
 * CPU (Amlogic's spinlocked pool).
 */
final class PageSupply {
  private final Policy p;
  private final Kernel k;
  private final int capacity;
  private final boolean global;
  private final int[][] pages;
  private final int[] count;

  PageSupply(Policy p) {
    this.p = p;
    this.k = p.k;
    this.capacity = p.config.supplyPerCpu;
    this.global = p.config.supplyGlobal;
    this.pages = new int[global ? 1 : k.cpus()][];
    this.count = new int[pages.length];
  }

  private PageSupply(PageSupply o, Policy p) {
    this.p = p;
    this.k = p.k;
    capacity = o.capacity;
    global = o.global;
    pages = new int[o.pages.length][];
    for (int i = 0; i < pages.length; i++) pages[i] = o.pages[i] == null ? null : o.pages[i].clone();
    count = o.count.clone();
  }

  PageSupply copy(Policy p) { return new PageSupply(this, p); }

  /** The supply a CPU draws from: its own, or the one global pool. */
  private int slot(int cpu) { return global ? 0 : cpu; }

  /** Its pages are allocated when a CPU first needs them. */
  private void ensure(int cpu) {
    int s = slot(cpu);
    if (pages[s] == null) {
      pages[s] = new int[capacity];
      refill(s);   // a global pool is first filled from CPU 0's lists
    }
  }

  /** dynamic_stack_refill_pages() at context switch: the supply of {@code cpu} is topped up. */
  void refill(int cpu) {
    int s = slot(cpu);
    if (pages[s] == null) pages[s] = new int[capacity];
    int missing = capacity - count[s];
    long start = k.probeStart();
    for (int i = 0; i < missing; i++) {
      pages[s][count[s]++] = k.memory.alloc(0, cpu);
      k.charge(Primitive.PAGE_ALLOC);
    }
    k.metrics.add(p.id, Metric.SUPPLY_RESIDENT, missing);
    if (missing > 0 && k.probing) k.probe().supplyRefill(cpu, k.opThread(), start, k.now() - start, missing);
  }

  /** A page for a fault that cannot sleep; an empty supply is a violation (the RFC panics; we count it and carry on). */
  int take(int cpu) {
    ensure(cpu);
    int s = slot(cpu);
    if (count[s] > 0) {
      k.metrics.add(p.id, Metric.SUPPLY_RESIDENT, -1);
      return pages[s][--count[s]];
    }
    k.metrics.inc(p.id, Metric.SUPPLY_EXHAUSTED);
    if (k.probing) k.probe().violation(cpu, k.opThread(), k.now(), Metric.SUPPLY_EXHAUSTED, 0);
    k.charge(Primitive.PAGE_ALLOC);
    return k.memory.alloc(0, cpu);
  }

  /** A page given back (kernel exit, a shrink): kept if the supply has room. */
  boolean give(int cpu, int pfn) {
    ensure(cpu);
    int s = slot(cpu);
    if (capacity - count[s] == 0) return false;
    pages[s][count[s]++] = pfn;
    k.metrics.add(p.id, Metric.SUPPLY_RESIDENT, 1);
    return true;
  }

  /** Pages in supply slot {@code i} (a CPU's, or with a global pool, slot 0 only). */
  int count(int i) {
    if (i >= pages.length || pages[i] == null) return 0;
    return count[i];
  }

  int pageAt(int i, int j) { return pages[i][j]; }

  void state(State s) {
    for (int i = 0; i < pages.length; i++) s.put(pages[i] == null ? -1 : 0).put(pages[i] == null ? new int[0] : pages[i], 0, count[i]);
  }
}
