package dev.kss.machine;

import static org.junit.jupiter.api.Assertions.*;

import dev.kss.machine.metrics.Metric;
import dev.kss.machine.op.Op;
import dev.kss.machine.probe.Probe;
import dev.kss.machine.sched.Task;
import dev.kss.machine.sched.ThreadKind;
import dev.kss.machine.stack.PolicyConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every model event reaches the probe's listeners, with its CPU, thread, time and cost. */
class ProbeTest {
  /** Writes each event as one line. */
  static final class Recorder implements Probe {
    final List<String> lines = new ArrayList<>();

    @Override public void op(Op op, int cpu, Task t, long start, long cost) { lines.add("op " + op.keyword() + " cpu" + cpu + " " + t + " @" + start + " +" + cost); }
    @Override public void contextSwitch(int cpu, Task prev, Task next, long start, long cost) { lines.add("switch cpu" + cpu + " " + prev + "->" + next + " +" + cost); }
    @Override public void death(int cpu, Task t, long time, String why) { lines.add("death " + t + " " + why); }
    @Override public void fault(int cpu, Task t, long start, long cost, int page) { lines.add("fault " + t + " page " + page + " +" + cost); }
    @Override public void map(int cpu, Task t, long start, long cost, long va, int pfn) { lines.add("map cpu" + cpu + " " + t); }
    @Override public void unmap(int cpu, Task t, long start, long cost, long va, int pfn) { lines.add("unmap cpu" + cpu + " " + t); }
    @Override public void tlbFill(int cpu, Task t, long start, long cost, long va) { lines.add("fill cpu" + cpu + " +" + cost); }
    @Override public void tlbFlush(int cpu, Task t, long start, long cost, int pages) { lines.add("flush cpu" + cpu + " " + pages); }
    @Override public void shootdown(int cpu, Task t, long start, long cost, int targets) { lines.add("shootdown cpu" + cpu + " " + targets + " +" + cost); }
    @Override public void ipi(int from, int to, Task t, long time) { lines.add("ipi " + from + "->" + to); }
    @Override public void gracePeriodStart(long time) { lines.add("gp start"); }
    @Override public void gracePeriodEnd(long time) { lines.add("gp end"); }
    @Override public void cachePut(int cpu, Task t, long start, long cost, dev.kss.machine.mem.KernelStack s) { lines.add("cache put cpu" + cpu); }
    @Override public void cacheTake(int cpu, Task t, long start, long cost, dev.kss.machine.mem.KernelStack s) { lines.add("cache take cpu" + cpu + " " + t); }
    @Override public void cacheDrop(int cpu, Task t, long time, dev.kss.machine.mem.KernelStack s) { lines.add("cache drop cpu" + cpu); }
    @Override public void supplyRefill(int cpu, Task t, long start, long cost, int pages) { lines.add("refill cpu" + cpu + " " + pages); }
    @Override public void violation(int cpu, Task t, long time, Metric kind, long va) { lines.add("violation " + kind.key + " cpu" + cpu + " " + t + " 0x" + Long.toHexString(va)); }

    boolean has(String prefix) { return lines.stream().anyMatch(l -> l.startsWith(prefix)); }
  }

  @Test void forkExitAndReuseAreHeard() {
    Machine m = new Machine(new MachineConfig());
    Recorder r = new Recorder();
    m.listen(r);
    int p = m.builtinDefault().id;
    Task a = m.apply(new Op.Fork("a", 0, ThreadKind.USER, p, null));
    assertEquals("op fork cpu0 a @0 +" + (long) (double) (Double) m.metric("latency.fork.max", null), r.lines.get(r.lines.size() - 1));
    assertTrue(r.has("map cpu0 a"), r.lines.toString());
    assertTrue(r.has("fill cpu0 +30"), "copy_thread's first frame misses the TLB: " + r.lines);
    m.apply(new Op.Exit(a));
    assertTrue(r.has("death a exited"));
    assertTrue(r.has("switch cpu0 a->null"));
    assertTrue(r.has("cache put cpu0"), "freed at the switch into the per-CPU cache: " + r.lines);
    m.apply(new Op.Fork("b", 0, ThreadKind.USER, p, null));
    assertTrue(r.has("cache take cpu0 b"), r.lines.toString());
  }

  @Test void faultsSupplyAndAStaleTranslationAreHeard() {
    Machine m = new Machine(new MachineConfig());
    PolicyConfig c = new PolicyConfig();
    c.populateUser = 1;
    c.growOnFault = true;
    c.supplyPerCpu = 3;
    c.invalidate = dev.kss.machine.tlb.Invalidate.LOCAL;
    c.shrinkOnLeave = true;
    int p = m.definePolicy("dyn", c).id;
    Recorder r = new Recorder();
    m.listen(r);
    Task a = m.apply(new Op.Fork("a", 0, ThreadKind.USER, p, null));
    m.apply(new Op.Enter(a));
    m.apply(new Op.Depth(a, 12 << 10));
    assertTrue(r.has("fault a page 1 +1000"), r.lines.toString());
    assertTrue(r.has("refill cpu0 3"), "the supply is filled on first use: " + r.lines);
    m.apply(new Op.Touch(a, 10 << 10, 1));
    m.apply(new Op.Leave(a));   // the pages go with a local flush only: cpu 1 keeps its entry
    assertTrue(r.has("flush cpu0 2"), r.lines.toString());
    m.apply(new Op.Touch(a, 10 << 10, 1));
    long va = a.stack.pageVa(2);
    assertTrue(r.lines.contains("violation violations.stale_tlb cpu1 a 0x" + Long.toHexString(va)), r.lines.toString());
  }

  @Test void aBroadcastFlushShootsDownEveryOtherCpu() {
    MachineConfig cfg = new MachineConfig();
    cfg.cpus = 3;
    Machine m = new Machine(cfg);
    PolicyConfig c = new PolicyConfig();
    c.shrinkOnLeave = true;
    c.populateUser = 1;
    c.growOnFault = true;
    int p = m.definePolicy("dyn", c).id;
    Recorder r = new Recorder();
    m.listen(r);
    Task a = m.apply(new Op.Fork("a", 0, ThreadKind.USER, p, null));
    m.apply(new Op.Enter(a));
    m.apply(new Op.Depth(a, 8 << 10));
    m.apply(new Op.Leave(a));
    assertTrue(r.lines.contains("ipi 0->1") && r.lines.contains("ipi 0->2"), r.lines.toString());
    assertTrue(r.has("shootdown cpu0 2 +1700"), "a round and two targets: " + r.lines);
  }

  @Test void gracePeriodsAreHeard() {
    Machine m = new Machine(new MachineConfig());
    PolicyConfig c = new PolicyConfig();
    c.free = PolicyConfig.Free.AFTER_RCU;
    int p = m.definePolicy("rcu", c).id;
    Recorder r = new Recorder();
    m.listen(r);
    m.apply(new Op.Exit(m.apply(new Op.Fork("a", 0, ThreadKind.USER, p, null))));
    assertTrue(r.has("gp start"));
    m.apply(new Op.Advance(10_000_000));
    assertTrue(r.has("gp end"));
  }

  @Test void aListenerThatLeavesHearsNoMore() {
    Machine m = new Machine(new MachineConfig());
    Recorder r = new Recorder();
    m.listen(r);
    m.unlisten(r);
    m.apply(new Op.Fork("a", 0, ThreadKind.USER, m.builtinDefault().id, null));
    assertTrue(r.lines.isEmpty());
    assertSame(Probe.NONE, m.kernel().probe(), "nobody listens: the machine calls the empty probe");
  }
}
