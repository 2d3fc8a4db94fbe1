package dev.kss.machine.probe;

import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.metrics.Metric;
import dev.kss.machine.op.Op;
import dev.kss.machine.sched.Task;

/** Several listeners as one (Probe.all). */
final class Fanout implements Probe {
  private final Probe[] ps;

  Fanout(Probe[] ps) { this.ps = ps; }

  @Override public void op(Op op, int cpu, Task t, long start, long cost) { for (Probe p : ps) p.op(op, cpu, t, start, cost); }
  @Override public void contextSwitch(int cpu, Task prev, Task next, long start, long cost) { for (Probe p : ps) p.contextSwitch(cpu, prev, next, start, cost); }
  @Override public void death(int cpu, Task t, long time, String why) { for (Probe p : ps) p.death(cpu, t, time, why); }
  @Override public void fault(int cpu, Task t, long start, long cost, int page) { for (Probe p : ps) p.fault(cpu, t, start, cost, page); }
  @Override public void map(int cpu, Task t, long start, long cost, long va, int pfn) { for (Probe p : ps) p.map(cpu, t, start, cost, va, pfn); }
  @Override public void unmap(int cpu, Task t, long start, long cost, long va, int pfn) { for (Probe p : ps) p.unmap(cpu, t, start, cost, va, pfn); }
  @Override public void tlbFill(int cpu, Task t, long start, long cost, long va) { for (Probe p : ps) p.tlbFill(cpu, t, start, cost, va); }
  @Override public void tlbFlush(int cpu, Task t, long start, long cost, int pages) { for (Probe p : ps) p.tlbFlush(cpu, t, start, cost, pages); }
  @Override public void shootdown(int cpu, Task t, long start, long cost, int targets) { for (Probe p : ps) p.shootdown(cpu, t, start, cost, targets); }
  @Override public void ipi(int from, int to, Task t, long time) { for (Probe p : ps) p.ipi(from, to, t, time); }
  @Override public void gracePeriodStart(long time) { for (Probe p : ps) p.gracePeriodStart(time); }
  @Override public void gracePeriodEnd(long time) { for (Probe p : ps) p.gracePeriodEnd(time); }
  @Override public void cachePut(int cpu, Task t, long start, long cost, KernelStack s) { for (Probe p : ps) p.cachePut(cpu, t, start, cost, s); }
  @Override public void cacheTake(int cpu, Task t, long start, long cost, KernelStack s) { for (Probe p : ps) p.cacheTake(cpu, t, start, cost, s); }
  @Override public void cacheDrop(int cpu, Task t, long time, KernelStack s) { for (Probe p : ps) p.cacheDrop(cpu, t, time, s); }
  @Override public void supplyRefill(int cpu, Task t, long start, long cost, int pages) { for (Probe p : ps) p.supplyRefill(cpu, t, start, cost, pages); }
  @Override public void violation(int cpu, Task t, long time, Metric kind, long va) { for (Probe p : ps) p.violation(cpu, t, time, kind, va); }
}
