package dev.kss.machine.stack;

import dev.kss.machine.cost.CostModel.Primitive;
import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.metrics.Metric;

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
    Policy pol = k.policy(s.policy);
    long start = k.probeStart();
    if (pol.config.zeroNew) k.clock.chargeZeroing(1);
    k.pageTable.map(s.pageVa(p), pfn, pol.id, cpu);
    k.charge(Primitive.PTE_SET);
    s.setMapped(p, true);
    k.metrics.add(pol.id, s.live() ? Metric.STACKS_RESIDENT : Metric.STACKS_CACHED, 1);
    if (k.probing) k.probe().map(cpu, k.opThread(), start, k.now() - start, s.pageVa(p), pfn);
  }

  /** Clears page {@code p}'s PTE (no TLB invalidation) and returns its frame, which the caller now owns. */
  public static int unmap(Kernel k, KernelStack s, int p, int cpu) {
    int pfn = k.pageTable.unmap(s.pageVa(p));
    long c = k.charge(Primitive.PTE_SET);
    s.setMapped(p, false);
    k.metrics.add(s.policy, s.live() ? Metric.STACKS_RESIDENT : Metric.STACKS_CACHED, -1);
    if (k.probing) k.probe().unmap(cpu, k.opThread(), k.now() - c, c, s.pageVa(p), pfn);
    return pfn;
  }

  /** A released stack the hooks keep: its pages count as cached. */
  public static void keep(Kernel k, KernelStack s, int cpu) {
    k.metrics.add(s.policy, Metric.STACKS_CACHED, s.mappedCount());
    if (k.probing) k.probe().cachePut(cpu, k.opThread(), k.now(), 0, s);
  }

  /** A kept stack the hooks give up (their ejection): freed as its policy frees stacks. */
  public static void dispose(Kernel k, KernelStack s, int cpu) {
    k.metrics.add(s.policy, Metric.STACKS_CACHED, -s.mappedCount());
    k.policy(s.policy).destroy(s, cpu);
  }
}
