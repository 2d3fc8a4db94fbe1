package dev.kss.machine.stack;

import dev.kss.machine.base.Copier;
import dev.kss.machine.cost.Clock;
import dev.kss.machine.cost.CostModel;
import dev.kss.machine.cost.CostModel.Primitive;
import dev.kss.machine.mem.PageTable;
import dev.kss.machine.mem.PhysicalMemory;
import dev.kss.machine.metrics.Metrics;
import dev.kss.machine.probe.Probe;
import dev.kss.machine.rcu.RcuState;
import dev.kss.machine.sched.Cpu;
import dev.kss.machine.sched.Scheduler;
import dev.kss.machine.sched.Task;
import dev.kss.machine.tlb.Mmu;
import dev.kss.machine.tlb.TlbConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * What every stack policy runs over, shared by all of them: the one physical memory, page table,
 * MMUs with their TLBs, scheduler and CPUs, RCU, the clock and cost model, the metrics and the
 * probe. Each policy keeps its own allocator state on top of it, as if it ran in its own kernel.
 * The machine's exit and switch paths ({@link TaskExit}, {@link SwitchSteps}) live here too, so
 * that a mechanism that kills a thread stays inside the stack layer.
 */
public final class Kernel {
  public final Clock clock;
  public final PhysicalMemory memory;
  public final PageTable pageTable;
  public final Mmu mmu;
  public final Metrics metrics;
  public final RcuState<Release.Deferred> rcu;
  public final Scheduler scheduler;
  final List<Policy> policies;
  /** The same, as an array: a thread's policy is looked up on nearly every step of an event. */
  private Policy[] byId = new Policy[4];
  final Release release;
  final TaskExit exits;
  final Shrinkers shrinkers;
  private Probe probe = Probe.NONE;
  /** Whether anybody listens: each probe call is guarded by it, so with no listener an event pays one test. */
  public boolean probing;
  /** The thread of the operation being applied, for the probe's page-level events (kept only while somebody listens), or null. */
  private Task opThread;
  private int nextStack;
  /** How far time-driven work (grace periods, shrinkers) has been done: the latest time an event reached it. */
  private long horizon;
  /** Whether a policy has a periodic shrinker (tested on every event). */
  private boolean hasShrinkers;
  /** Which CPUs are in an extended quiescent state now, for RCU. */
  public final IntPredicate quiescent;

  public Kernel(int cpus, long memoryBytes, int numa, long rcuGpNs, TlbConfig tlb, CostModel costs) {
    clock = new Clock(costs, cpus);
    memory = new PhysicalMemory(memoryBytes, numa, cpus);
    pageTable = new PageTable(memory);
    metrics = new Metrics(clock);
    mmu = new Mmu(pageTable, tlb, cpus, clock, metrics);
    rcu = new RcuState<>(cpus, rcuGpNs);
    Cpu[] cs = new Cpu[cpus];
    for (int c = 0; c < cpus; c++) cs[c] = new Cpu(c, memory.nodeOf(c));
    scheduler = new Scheduler(cs, clock, rcu);
    policies = new ArrayList<>();
    release = new Release(this);
    exits = new TaskExit(this);
    shrinkers = new Shrinkers(this);
    scheduler.setPath(new SwitchSteps(this));
    quiescent = c -> scheduler.cpu(c).quiescent();
  }

  private Kernel(Kernel o, Copier c) {
    clock = o.clock.copy(o.clock.costs());
    memory = o.memory.copy();
    pageTable = o.pageTable.copy(memory);
    metrics = o.metrics.copy(clock);
    mmu = o.mmu.copy(pageTable, clock, metrics);
    rcu = o.rcu.copy(d -> d.copy(c));
    scheduler = o.scheduler.copy(c, clock, rcu);
    policies = new ArrayList<>(o.policies.size());
    for (Policy p : o.policies) index(p.copy(this, c));
    release = new Release(this);
    exits = new TaskExit(this);
    shrinkers = o.shrinkers.copy(this);
    scheduler.setPath(new SwitchSteps(this));
    nextStack = o.nextStack;
    horizon = o.horizon;
    hasShrinkers = o.hasShrinkers;
    quiescent = x -> scheduler.cpu(x).quiescent();
  }

  /** An independent copy of the whole kernel: threads, stacks, policies and hooks included. */
  public Kernel copy(Copier c) { return new Kernel(this, c); }

  public CostModel costs() { return clock.costs(); }

  public int cpus() { return scheduler.cpus(); }

  public Cpu cpu(int id) { return scheduler.cpu(id); }

  public Policy policy(int id) { return byId[id]; }

  public Policy policyOf(Task t) { return byId[t.policy]; }

  private void index(Policy p) {
    policies.add(p);
    if (p.id >= byId.length) byId = java.util.Arrays.copyOf(byId, Math.max(p.id + 1, byId.length * 2));
    byId[p.id] = p;
  }

  public List<Policy> policies() { return java.util.Collections.unmodifiableList(policies); }

  /** Adds a policy (its id is its place in the list), with a periodic shrinker when it has one. */
  public Policy addPolicy(String name, PolicyConfig config, int window) {
    Policy p = new Policy(name, policies.size(), config, this, window);
    index(p);
    if (config.shrinkerEveryNs > 0) {
      shrinkers.add(p);
      hasShrinkers = true;
    }
    return p;
  }

  public Probe probe() { return probe; }

  public void setProbe(Probe p) {
    probe = p;
    probing = p != Probe.NONE;
    mmu.setProbe(p);
  }

  public Task opThread() { return opThread; }

  /** The clock of the CPU the machine is working on. */
  public long now() { return clock.now(); }

  /** Now, when somebody listens (the start of something the probe will hear of); 0 otherwise, at no cost. */
  public long probeStart() { return probing ? clock.now() : 0; }

  /** The operation now being applied concerns {@code t} (or nothing). */
  public void setOpThread(Task t) { opThread = t; }

  /** A number for a new stack. */
  int nextStackSerial() { return nextStack++; }

  public long charge(Primitive p) { return clock.charge(p); }

  /** The kill of a thread by the model (a guard page hit, a fault no policy can serve): do_exit from an oops. */
  public void kill(Task t, String why) {
    exits.kill(t, why);
    tick(now());   // the oops ends the thread's part of the operation; time-driven work due by now runs
  }

  /** The thread exits normally. */
  public void exit(Task t) { exits.exit(t); }

  /**
   * Time-driven work due by {@code now} takes effect: grace periods that ended (their callbacks
   * run at their end, on the CPUs that queued them), shrinkers whose period came. Work is done in
   * time order: a time earlier than one already reached finds it done.
   */
  public void tick(long now) {
    if (now > horizon) horizon = now;
    if (rcu.active()) release.poll(horizon);
    if (hasShrinkers) shrinkers.run(horizon);
  }

  /** How far time-driven work has been done. */
  public long horizon() { return horizon; }

  public Release release() { return release; }

  public void state(dev.kss.machine.base.State s) {
    clock.state(s);
    s.put(nextStack).put(horizon);
    memory.state(s);
    pageTable.state(s);
    mmu.state(s);
    metrics.state(s);
    rcu.state(s, Release.Deferred::state);
    scheduler.state(s);
    for (Policy p : policies) p.state(s);
    shrinkers.state(s);
  }
}
