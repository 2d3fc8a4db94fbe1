package dev.kss.machine;

import dev.kss.machine.base.Copier;
import dev.kss.machine.base.SimError;
import dev.kss.machine.base.State;
import dev.kss.machine.cost.CostModel.Primitive;
import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.metrics.Latency;
import dev.kss.machine.metrics.Metric;
import dev.kss.machine.op.Op;
import dev.kss.machine.probe.Probe;
import dev.kss.machine.sched.Cpu;
import dev.kss.machine.sched.Scheduler;
import dev.kss.machine.sched.Task;
import dev.kss.machine.sched.ThreadKind;
import dev.kss.machine.stack.Kernel;
import dev.kss.machine.stack.Policy;
import dev.kss.machine.stack.PolicyConfig;
import dev.kss.machine.tlb.Mmu;
import java.util.ArrayList;
import java.util.List;

/**
 * The simulated machine, driven only through {@link #apply} (one {@link Op} at a time) and observed
 * only through its {@link Probe} listeners, its metrics and the read-only views below. Each
 * operation is one event of the language: it walks the mechanisms (scheduler, policy, memory, page
 * tables, TLBs, RCU), charges their costs and counts their metrics. Impossible requests (an event
 * on a dead thread) throw {@link SimError}.
 *
 * <p>A machine can be copied ({@link #copy}: an independent machine in the same state, in time
 * proportional to what it holds) and compared ({@link #stateHash}, {@link #sameState}).
 */
public final class Machine {
  private final MachineConfig config;
  private final Kernel k;
  private final Policy builtin;
  private int nextTaskId;
  private int vmallocWindows, arenaWindows;
  /** The end of the last parallel block: top-level events start no earlier. */
  private long joined;
  /** When the last operation applied ended, on the CPU it ran on. */
  private long lastEnd;
  private final List<Probe> listeners = new ArrayList<>();

  public Machine(MachineConfig config) {
    this.config = config;
    this.k = new Kernel(config.cpus, config.memory, config.numa, config.rcuGpNs, config.tlb, config.costs);
    this.builtin = definePolicy("default", new PolicyConfig());
  }

  private Machine(Machine o, Copier c) {
    config = o.config;
    k = o.k.copy(c);
    builtin = k.policy(o.builtin.id);
    nextTaskId = o.nextTaskId;
    vmallocWindows = o.vmallocWindows;
    arenaWindows = o.arenaWindows;
    joined = o.joined;
    lastEnd = o.lastEnd;
  }

  /** An independent machine in this one's state (policies, threads, hooks' Java side included), heard by no listener. */
  public Machine copy() { return new Machine(this, new Copier()); }

  /** The same, with {@code c} recording which copy stands for each thread and stack (for whoever holds them too). */
  public Machine copy(Copier c) { return new Machine(this, c); }

  public MachineConfig config() { return config; }

  /** The shared machinery, for inspection (REPL, JS bridge, tests). */
  public Kernel kernel() { return k; }

  /** {@code p} hears every model event from now on. */
  public void listen(Probe p) {
    listeners.add(p);
    k.setProbe(Probe.all(listeners));
  }

  public void unlisten(Probe p) {
    listeners.remove(p);
    k.setProbe(Probe.all(listeners));
  }

  public Policy definePolicy(String name, PolicyConfig config) {
    int window = switch (config.backing) {
      case VMALLOC -> vmallocWindows++;
      case ARENA -> arenaWindows++;
      default -> 0;
    };
    return k.addPolicy(name, config, window);
  }

  /** The built-in {@code default} policy (today's Linux), which needs no {@code use}. */
  public Policy builtinDefault() { return builtin; }

  public List<Policy> policies() { return k.policies(); }

  public List<Task> liveTasks() { return k.scheduler.live(); }

  public Cpu cpu(int id) { return k.cpu(id); }

  /** The latest CPU clock: how far simulated time has come ({@code time.now}). */
  public long now() { return k.clock.latest(); }

  /** CPU {@code cpu}'s clock. */
  public long now(int cpu) { return k.clock.now(cpu); }

  /** When the last operation applied ended, on the CPU it ran on (a CPU program's time goes on from there). */
  public long lastEnd() { return lastEnd; }

  // ---------------------------------------------------------------- operations

  /**
   * Applies one operation of a script's top level, where statements run in the order written;
   * returns the thread it acted on (for a fork, the new thread; null for advance and rcu_sync).
   *
   * <p>It starts on its CPU ({@link Op#runsOn}: a fork's CPU, the touching CPU, the CPU a migration leaves, a wake's target) at the latest of that CPU's clock, the end of its
   * thread's previous event and, across CPUs, the end of the event it depends on: a touch waits for
   * its thread's last event, a fork for its parent's, everything for the end of the last parallel
   * block ({@link Op.Join}). Time-driven work due by its start takes effect
   * first, and what became due by its end right after it.
   */
  public Task apply(Op op) {
    Task w = op.waitsFor();
    return run(op, w == null ? joined : Math.max(w.readyAt, joined), true);
  }

  /**
   * Applies one operation of a CPU's program ({@code parallel}), no earlier than {@code notBefore}
   * (the end of the program's previous event). Programs are ordered by time alone: the caller
   * applies their operations in the order of {@link #startOf}, and time-driven work takes effect at
   * each start only, so that it falls at the right point between the events of different CPUs.
   */
  public Task apply(Op op, long notBefore) { return run(op, notBefore, false); }

  /** When {@code op} would start, given {@code notBefore}: what {@link #apply(Op, long)} will use. */
  public long startOf(Op op, long notBefore) { return startOf(op, op.runsOn(), notBefore); }

  private long startOf(Op op, int cpu, long notBefore) {
    long start = Math.max(notBefore, cpu < 0 ? k.clock.latest() : k.clock.now(cpu));
    Task t = op.thread();
    if (t != null && !(op instanceof Op.Touch) && t.readyAt > start) start = t.readyAt;
    return start;
  }

  private Task run(Op op, long notBefore, boolean settle) {
    int cpu = op.runsOn();
    long start = startOf(op, cpu, notBefore);
    k.tick(start);
    if (cpu >= 0) k.clock.startAt(cpu, start);
    if (k.probing) k.setOpThread(op.thread());
    Task t = op.accept(operations);
    long end = cpu >= 0 ? k.clock.now(cpu) : k.clock.latest();
    lastEnd = end;
    if (t != null && !(op instanceof Op.Touch) && end > t.readyAt) t.readyAt = end;
    if (settle) k.tick(end);
    if (k.probing) {
      k.probe().op(op, probeCpu(op, t), t, start, end - start);
      k.setOpThread(null);
    }
    return t;
  }

  /** What each kind of operation does (reached only through {@link #apply}). */
  private final Op.Visitor<Task> operations = new Op.Visitor<>() {
    @Override public Task fork(Op.Fork op) { return Machine.this.fork(op); }
    @Override public Task exit(Op.Exit op) { Machine.this.exit(op.thread()); return op.thread(); }
    @Override public Task enter(Op.Enter op) { Machine.this.enter(op.thread()); return op.thread(); }
    @Override public Task leave(Op.Leave op) { Machine.this.leave(op.thread()); return op.thread(); }
    @Override public Task depth(Op.Depth op) { Machine.this.depth(op.thread(), op.bytes()); return op.thread(); }
    @Override public Task ensure(Op.Ensure op) { Machine.this.ensure(op.thread(), op.bytes()); return op.thread(); }
    @Override public Task preemptDisable(Op.PreemptDisable op) { Machine.this.preemptDisable(op.thread()); return op.thread(); }
    @Override public Task preemptEnable(Op.PreemptEnable op) { Machine.this.preemptEnable(op.thread()); return op.thread(); }
    @Override public Task irqDisable(Op.IrqDisable op) { Machine.this.irqDisable(op.thread()); return op.thread(); }
    @Override public Task irqEnable(Op.IrqEnable op) { Machine.this.irqEnable(op.thread()); return op.thread(); }
    @Override public Task sleep(Op.Sleep op) { Machine.this.sleep(op.thread()); return op.thread(); }
    @Override public Task wake(Op.Wake op) { Machine.this.wake(op.thread(), op.cpu()); return op.thread(); }
    @Override public Task migrate(Op.Migrate op) { Machine.this.migrate(op.thread(), op.cpu()); return op.thread(); }
    @Override public Task run(Op.Run op) { k.scheduler.ensureRunning(op.thread(), "run"); return op.thread(); }
    @Override public Task idle(Op.Idle op) { return Machine.this.idle(op.cpu()); }
    @Override public Task publish(Op.Publish op) { Machine.this.publish(op.thread(), op.offset()); return op.thread(); }
    @Override public Task touch(Op.Touch op) { Machine.this.touch(op.thread(), op.offset(), op.cpu()); return op.thread(); }
    @Override public Task advance(Op.Advance op) { Machine.this.advance(op.ns()); return null; }
    @Override public Task spend(Op.Spend op) { return Machine.this.spend(op.cpu(), op.ns()); }
    @Override public Task rcuSync(Op.RcuSync op) { k.release().sync(); return null; }
    @Override public Task join(Op.Join op) {
      joined = Math.max(joined, op.at());
      k.tick(op.at());
      return null;
    }
  };

  /** The CPU an operation ran on, for the probe: the touching CPU, the target of a migration, the thread's; -1 for machine-wide ones. */
  private static int probeCpu(Op op, Task t) {
    return switch (op) {
      case Op.Fork f -> f.cpu();
      case Op.Touch x -> x.cpu();
      case Op.Migrate m -> m.cpu();
      case Op.Spend s -> s.cpu();
      case Op.Idle i -> i.cpu();
      case Op.Advance a -> -1;
      case Op.RcuSync r -> -1;
      case Op.Join x -> -1;
      default -> t.cpu;
    };
  }

  private Task fork(Op.Fork f) {
    int cpu = f.cpu();
    k.scheduler.checkCpu(cpu);
    if (f.parent() != null) Scheduler.requireAlive(f.parent(), "fork from");
    k.clock.beginOp();
    k.charge(Primitive.TASK_ALLOC);
    Policy policy = k.policy(f.policy());
    Task t = new Task(f.name(), nextTaskId++, f.kind(), policy.id, cpu);
    if (k.probing) k.setOpThread(t);
    t.stack = policy.allocate(t, cpu);
    // copy_thread() writes the child's first frame at the top of its new stack.
    if (!t.stack.directMapped) k.mmu.access(cpu, t.stack.pageVa(0), policy.id, t);
    k.scheduler.add(t);
    k.metrics.inc(policy.id, Metric.THREADS_LIVE);
    k.metrics.inc(policy.id, Metric.THREADS_FORKED);
    k.metrics.record(policy.id, Latency.Op.FORK, k.clock.opCost());
    return t;
  }

  private void exit(Task t) {
    k.scheduler.ensureRunning(t, "exit");
    k.clock.beginOp();
    k.charge(Primitive.SYSCALL);
    k.exit(t);
    k.metrics.record(t.policy, Latency.Op.EXIT, k.clock.opCost());
  }

  private void enter(Task t) {
    k.scheduler.ensureRunning(t, "enter");
    if (t.kind == ThreadKind.KERNEL) throw new SimError("'" + t + "' is a kernel thread: it is always in the kernel");
    if (t.inKernel) throw new SimError("'" + t + "' is already in the kernel");
    k.clock.beginOp();
    k.charge(Primitive.SYSCALL);
    t.inKernel = true;
    t.stack.depth = 0;
    // The entry code pushes pt_regs at the top of the kernel stack.
    Policy p = k.policyOf(t);
    if (p.access().touchPage(t, 0)) p.onEnter(t);
    if (t.alive()) k.metrics.record(t.policy, Latency.Op.ENTER, k.clock.opCost());
  }

  private void leave(Task t) {
    k.scheduler.ensureRunning(t, "leave");
    if (t.kind == ThreadKind.KERNEL) throw new SimError("'" + t + "' is a kernel thread: it never leaves the kernel");
    if (!t.inKernel) throw new SimError("'" + t + "' is not in the kernel");
    if (t.atomic()) throw new SimError("'" + t + "' cannot return to user mode with preemption or IRQs disabled");
    k.clock.beginOp();
    k.charge(Primitive.SYSCALL);
    t.stack.depth = 0;   // back in user mode the kernel stack is empty
    Policy p = k.policyOf(t);
    p.releaseSegment(t);
    p.onLeave(t);
    t.inKernel = false;
    k.rcu.quiescent(t.cpu, k.now());
    k.metrics.record(t.policy, Latency.Op.LEAVE, k.clock.opCost());
  }

  /** The stack's use becomes {@code bytes}: deeper pages are touched, in order, from the top down. */
  private void depth(Task t, long bytes) {
    k.scheduler.ensureRunning(t, "depth");
    if (bytes < 0) throw new SimError("a depth cannot be negative");
    KernelStack s = t.stack;
    Policy p = k.policyOf(t);
    int oldPages = KernelStack.pagesFor(s.depth), newPages = KernelStack.pagesFor(bytes);
    int usable = s.pages + t.segment.length;   // an expansion segment continues the stack
    boolean ok = true;
    for (int q = oldPages; q < newPages && ok; q++) {
      if (q >= usable) { ok = p.access().overflow(t, bytes); break; }
      if (q < s.pages) ok = p.access().touchOwn(t, q);
    }
    if (ok && newPages <= oldPages && newPages > 0 && newPages <= s.pages) ok = p.access().touchOwn(t, newPages - 1);
    if (t.alive()) {
      s.depth = bytes;
      s.deepest = Math.max(s.deepest, bytes);
      if (newPages <= s.pages) p.releaseSegment(t);   // the callout returned
    }
  }

  private void ensure(Task t, long bytes) {
    k.scheduler.ensureRunning(t, "ensure");
    if (bytes < 0) throw new SimError("ensure takes a positive size");
    k.policyOf(t).ensure(t, bytes);
  }

  private void preemptDisable(Task t) {
    k.scheduler.ensureRunning(t, "preempt_disable");
    k.policyOf(t).prefault(t);
    if (t.alive()) t.preemptCount++;
  }

  private void preemptEnable(Task t) {
    k.scheduler.ensureRunning(t, "preempt_enable");
    if (t.preemptCount == 0) throw new SimError("preempt_enable on '" + t + "' without a matching preempt_disable");
    t.preemptCount--;
  }

  private void irqDisable(Task t) {
    k.scheduler.ensureRunning(t, "irq_disable");
    k.policyOf(t).prefault(t);
    if (t.alive()) t.irqCount++;
  }

  private void irqEnable(Task t) {
    k.scheduler.ensureRunning(t, "irq_enable");
    if (t.irqCount == 0) throw new SimError("irq_enable on '" + t + "' without a matching irq_disable");
    t.irqCount--;
  }

  private void sleep(Task t) {
    k.scheduler.ensureRunning(t, "sleep");
    if (t.atomic()) throw new SimError("'" + t + "' cannot sleep with preemption or IRQs disabled");
    Cpu cpu = k.cpu(t.cpu);
    k.scheduler.block(t);
    k.policyOf(t).onSleep(t);
    k.scheduler.switchTo(cpu, null);
  }

  private void wake(Task t, int cpu) {
    Scheduler.requireAlive(t, "wake");
    if (t.state != Task.State.SLEEPING) throw new SimError("'" + t + "' is not sleeping");
    if (cpu >= 0) k.scheduler.checkCpu(cpu);
    k.scheduler.wake(t, cpu);
  }

  /** The CPU's scheduler picks its idle task; returns the thread that left it, or null. */
  private Task idle(int cpu) {
    k.scheduler.checkCpu(cpu);
    Cpu c = k.cpu(cpu);
    Task prev = c.current();
    k.scheduler.switchTo(c, null);
    return prev;
  }

  private void migrate(Task t, int cpu) {
    Scheduler.requireAlive(t, "migrate");
    k.scheduler.checkCpu(cpu);
    k.scheduler.migrate(t, cpu);
  }

  private void publish(Task t, long offset) {
    k.scheduler.ensureRunning(t, "publish");
    checkOffset(t, offset);
    long[] p = java.util.Arrays.copyOf(t.published, t.published.length + 1);
    p[p.length - 1] = offset;
    t.published = p;
  }

  private void touch(Task t, long offset, int cpu) {
    Scheduler.requireAlive(t, "touch");
    k.scheduler.checkCpu(cpu);
    checkOffset(t, offset);
    KernelStack s = t.stack;
    if (s.directMapped) return;
    long va = s.pageVa(KernelStack.pageOf(offset));
    if (k.mmu.access(cpu, va, t.policy, t) == Mmu.Access.NOT_MAPPED) {
      k.metrics.inc(t.policy, Metric.UNMAPPED_ACCESS);
      if (k.probing) k.probe().violation(cpu, t, k.now(), Metric.UNMAPPED_ACCESS, va);
    }
  }

  private void advance(long ns) {
    if (ns < 0) throw new SimError("time cannot go backwards");
    k.release().advance(ns);
  }

  /**
   * CPU {@code cpu} spends {@code ns} as it is: its current thread stays where it is (in the kernel,
   * it holds RCU grace periods open; in user mode or idle, it is quiescent all along).
   */
  private Task spend(int cpu, long ns) {
    if (ns < 0) throw new SimError("time cannot go backwards");
    k.scheduler.checkCpu(cpu);
    k.clock.set(cpu, k.clock.now(cpu) + ns);
    return k.cpu(cpu).current();
  }

  private static void checkOffset(Task t, long offset) {
    long size = t.stack.size();
    if (offset < 1 || offset > size)
      throw new SimError("offset " + offset + " is outside '" + t + "''s " + size + "-byte stack");
  }

  // ---------------------------------------------------------------- observing

  /** A metric's value (MetricCatalog names), global or scoped to {@code scope}: a Double, or a String for text metrics. */
  public Object metric(String name, Policy scope) { return MetricReadout.value(this, name, scope); }

  /** A per-CPU metric's value on CPU {@code cpu} (Metric.perCpu: {@code time.now} is the CPU's clock). */
  public double metric(String name, int cpu) { return MetricReadout.onCpu(this, name, cpu); }

  /**
   * Counting starts again now for the machine, its CPUs and {@code policy}: counted metrics and
   * latencies from zero, the peak and the mean from what is there (Metrics.restart).
   */
  public void restartMetrics(Policy policy) { k.metrics.restart(k.clock.latest(), policy.id); }

  /** Checks the model against itself; throws IllegalStateException naming the first broken rule (Invariants). */
  public void checkInvariants() { Invariants.check(this); }

  /** A hash of everything that decides this machine's future and its metrics (State). */
  public long stateHash() {
    State s = State.hashing();
    state(s);
    return s.hash();
  }

  /** Whether {@code o} is in the same state: the same future under the same operations, the same metrics. */
  public boolean sameState(Machine o) {
    State a = State.recording(liveTasks().size() + 256);
    state(a);
    State b = State.comparing(a);
    o.state(b);
    return b.matches();
  }

  private void state(State s) {
    s.put(nextTaskId).put(joined);
    k.state(s);
  }
}
