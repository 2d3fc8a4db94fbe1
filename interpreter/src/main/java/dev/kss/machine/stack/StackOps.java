package dev.kss.machine.stack;

import dev.kss.machine.Kernel;
import dev.kss.machine.cost.CostModel.Primitive;
import dev.kss.machine.metrics.Counter;

/**
 * Single, self-consistent steps on a stack for {@link PolicyHooks} implementations: map a given
 * frame, unmap a page, and the bookkeeping of stacks kept by the hooks. Each step keeps the page
 * table, the stack's bitmap and the policy's counters in agreement; what is allowed is the
 * caller's business (dev.kss.js validates every request before it gets here).
 */
public final class StackOps {
  private StackOps() {}

  /** Maps page {@code p} of {@code s} to frame {@code pfn}, which the caller owns. */
  public static void map(Kernel k, KernelStack s, int p, int pfn, int cpu) {
    Policy pol = s.policy;
    if (pol.config.zeroNew) k.chargeZeroing(1);
    k.pageTable.map(s.pageVa(p), pfn, pol.id, cpu);
    k.charge(Primitive.PTE_SET);
    s.setMapped(p, true);
    k.metrics.add(pol.id, s.live ? Counter.RESIDENT_PAGES : Counter.CACHED_PAGES, 1);
  }

  /** Clears page {@code p}'s PTE (no TLB invalidation) and returns its frame, which the caller now owns. */
  public static int unmap(Kernel k, KernelStack s, int p) {
    int pfn = k.pageTable.unmap(s.pageVa(p));
    k.charge(Primitive.PTE_SET);
    s.setMapped(p, false);
    k.metrics.add(s.policy.id, s.live ? Counter.RESIDENT_PAGES : Counter.CACHED_PAGES, -1);
    return pfn;
  }

  /** A released stack the hooks keep: its pages count as cached. */
  public static void keep(Kernel k, KernelStack s) {
    k.metrics.add(s.policy.id, Counter.CACHED_PAGES, s.mappedCount());
  }

  /** A kept stack the hooks give up (their ejection): freed as its policy frees stacks. */
  public static void dispose(Kernel k, KernelStack s, int cpu) {
    k.metrics.add(s.policy.id, Counter.CACHED_PAGES, -s.mappedCount());
    s.policy.destroy(s, cpu);
  }
}
