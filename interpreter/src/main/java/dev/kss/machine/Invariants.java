package dev.kss.machine;

import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.mem.PageTable;
import dev.kss.machine.metrics.Metric;
import dev.kss.machine.sched.Cpu;
import dev.kss.machine.sched.Task;
import dev.kss.machine.stack.Kernel;
import dev.kss.machine.stack.Policy;
import java.util.BitSet;

/**
 * The model checked against itself (after every event with {@code --check}, and always in the
 * tests): no frame mapped twice or mapped while free, every mapped stack page backed by an
 * allocated frame and its PTE, counters consistent with the state, every CPU running a thread that
 * may run there. The first broken rule is thrown as an IllegalStateException.
 */
final class Invariants {
  private Invariants() {}

  static void check(Machine m) {
    Kernel k = m.kernel();
    BitSet seen = new BitSet();
    int n = m.policies().size();
    long[] resident = new long[n], cached = new long[n];
    for (Task t : m.liveTasks()) {
      stack(k, t.stack, seen, t.name);
      resident[t.policy] += t.stack.mappedCount() + t.segment.length;
      for (int pfn : t.segment) {
        if (!k.memory.isAllocated(pfn) || seen.get(pfn)) fail(t.name + ": expansion segment frame " + pfn + " is free or used twice");
        seen.set(pfn);
      }
    }
    for (Policy p : m.policies()) {
      p.forEachCached((cpu, s) -> stack(k, s, seen, "a cached stack of " + p.name));
      long[] c = {0};
      p.forEachCached((cpu, s) -> c[0] += s.mappedCount());
      cached[p.id] = c[0];
      for (int cpu = 0; cpu < k.cpus(); cpu++) {
        for (int i = 0; i < p.supplyCount(cpu); i++) {
          int pfn = p.supplyPage(cpu, i);
          if (!k.memory.isAllocated(pfn)) fail("supply page " + pfn + " of " + p.name + " is free");
          if (seen.get(pfn)) fail("supply page " + pfn + " of " + p.name + " is also mapped");
          seen.set(pfn);
        }
      }
    }
    for (Policy p : m.policies()) {
      if (k.metrics.get(Metric.STACKS_RESIDENT, p.id) != resident[p.id])
        fail(p.name + ": stacks.resident counts " + k.metrics.get(Metric.STACKS_RESIDENT, p.id) + " pages, the stacks hold " + resident[p.id]);
      if (k.metrics.get(Metric.STACKS_CACHED, p.id) != cached[p.id])
        fail(p.name + ": stacks.cached counts " + k.metrics.get(Metric.STACKS_CACHED, p.id) + " pages, the cache holds " + cached[p.id]);
      long sp = 0;
      for (int cpu = 0; cpu < k.cpus(); cpu++) sp += p.supplyCount(cpu);
      if (k.metrics.get(Metric.SUPPLY_RESIDENT, p.id) != sp) fail(p.name + ": supply.resident disagrees with the supplies");
    }
    if (k.metrics.get(Metric.THREADS_LIVE, -1) != m.liveTasks().size()) fail("threads.live disagrees with the live threads");
    if (k.metrics.get(Metric.FREE_DEFERRED, -1) > k.rcu.waiting()) fail("free.deferred exceeds the RCU callbacks waiting");
    time(k, m);
    for (int id = 0; id < k.cpus(); id++) {
      Cpu cpu = k.cpu(id);
      Task cur = cpu.current();
      if (cur != null && (!cur.alive() || cur.cpu != cpu.id || cur.state != Task.State.RUNNABLE))
        fail("cpu " + cpu.id + " runs '" + cur + "', which is not runnable there");
    }
  }

  /**
   * Time: no thread's last event ends after the latest clock (an event starts no earlier than its
   * CPU's clock and moves it), and the last grace period that ended lasted at least the minimum
   * and ended no sooner than every CPU's quiescent state in it, each at or after its start.
   */
  private static void time(Kernel k, Machine m) {
    long latest = k.clock.latest();
    for (Task t : m.liveTasks())
      if (t.readyAt > latest) fail("'" + t.name + "''s last event ends at " + t.readyAt + " ns, after every CPU's clock (" + latest + " ns)");
    var gp = k.rcu.lastEnded();
    if (gp == null) return;
    if (gp.end() < gp.start() + k.rcu.minGpNs()) fail("a grace period ended " + (gp.end() - gp.start()) + " ns after it began, under the minimum");
    for (int c = 0; c < gp.qsAt().length; c++) {
      long q = gp.qsAt()[c];
      if (q < gp.start() || q > gp.end())
        fail("a grace period [" + gp.start() + ", " + gp.end() + "] ns ended without cpu " + c + "'s quiescent state in it (" + q + ")");
    }
  }

  private static void stack(Kernel k, KernelStack s, BitSet seen, String whose) {
    if (s.directMapped) {
      for (int i = 0; i < s.pages; i++) {
        int pfn = (int) s.handle + i;
        if (!k.memory.isAllocated(pfn)) fail(whose + ": stack frame " + pfn + " is free");
        if (seen.get(pfn)) fail(whose + ": frame " + pfn + " is used twice");
        seen.set(pfn);
      }
      return;
    }
    for (int p = 0; p < s.pages; p++) {
      long pte = k.pageTable.pte(s.pageVa(p));
      if (s.isMapped(p) != PageTable.present(pte))
        fail(whose + ": page " + p + " is " + (s.isMapped(p) ? "mapped" : "unmapped") + " but its PTE says otherwise");
      if (!s.isMapped(p)) continue;
      int pfn = PageTable.pfn(pte);
      if (!k.memory.isAllocated(pfn)) fail(whose + ": page " + p + " is backed by free frame " + pfn);
      if (seen.get(pfn)) fail(whose + ": frame " + pfn + " is mapped twice");
      seen.set(pfn);
    }
  }

  private static void fail(String why) { throw new IllegalStateException("invariant broken: " + why); }
}
