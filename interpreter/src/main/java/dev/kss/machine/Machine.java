package dev.kss.machine;

import dev.kss.machine.cost.CostModel.Primitive;
import dev.kss.machine.mem.PageTable;
import dev.kss.machine.mem.Reservations;
import dev.kss.machine.metrics.Counter;
import dev.kss.machine.metrics.Latency;
import dev.kss.machine.metrics.Latency.Op;
import dev.kss.machine.metrics.MetricCatalog;
import dev.kss.machine.sched.Cpu;
import dev.kss.machine.sched.Task;
import dev.kss.machine.sched.ThreadKind;
import dev.kss.machine.stack.KernelStack;
import dev.kss.machine.stack.Policy;
import dev.kss.machine.stack.PolicyConfig;
import dev.kss.machine.tlb.Mmu;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The simulated machine: the one facade the interpreter, the REPL and the JS bridge drive.
 * Each method is one event of LANGUAGE.md; it walks the mechanisms (scheduler, policy, memory,
 * page tables, TLBs, RCU), charges their costs and counts their metrics. Impossible requests
 * (an event on a dead thread) throw {@link SimError}.
 *
 * <p>Scheduling is explicit, as LANGUAGE.md says: an event on a runnable thread that is not the
 * one running on its CPU first switches that CPU to it; a thread that sleeps or dies leaves its CPU
 * idle. A CPU passes an RCU quiescent state when it switches, runs in user mode or is idle.
 */
public final class Machine implements Policy.Machinery {
  /** A timestamped record of each event, for traces and the REPL. */
  public interface EventListener { void event(long timeNs, String kind, Task task, int cpu); }

  private final Kernel k;
  private final List<Policy> policies = new ArrayList<>();
  private final Policy builtin;
  private final ArrayList<Task> live = new ArrayList<>();
  private int nextTaskId;
  private int vmallocWindows, arenaWindows;
  private transient EventListener listener;
  /** Policies with a periodic shrinker, and when each may run next. */
  private final List<Policy> shrinkers = new ArrayList<>();
  private long[] nextShrink = new long[0];

  public Machine(MachineConfig config) {
    this.k = new Kernel(config);
    this.builtin = definePolicy("default", newPolicyConfig());
  }

  public MachineConfig config() { return k.config; }

  /** The shared machinery, for inspection (REPL, JS bridge, tests). */
  public Kernel kernel() { return k; }

  public void listen(EventListener l) { this.listener = l; }

  public PolicyConfig newPolicyConfig() { return new PolicyConfig(k.config.pageSize); }

  public Policy definePolicy(String name, PolicyConfig config) {
    int window = switch (config.backing) {
      case VMALLOC -> vmallocWindows++;
      case ARENA -> arenaWindows++;
      default -> 0;
    };
    Policy p = new Policy(name, policies.size(), config.copy(), k, window);
    policies.add(p);
    if (config.shrinkerEveryNs > 0) {
      shrinkers.add(p);
      nextShrink = java.util.Arrays.copyOf(nextShrink, shrinkers.size());
      nextShrink[shrinkers.size() - 1] = k.now + config.shrinkerEveryNs;
    }
    return p;
  }

  /** The built-in {@code default} policy (today's Linux), which needs no {@code use}. */
  public Policy builtinDefault() { return builtin; }

  public List<Policy> policies() { return List.copyOf(policies); }

  public List<Task> liveTasks() { return java.util.Collections.unmodifiableList(live); }

  public Cpu cpu(int id) { return k.cpus[id]; }

  public long now() { return k.now; }

  // ---------------------------------------------------------------- events

  public Task fork(String name, int cpu, ThreadKind kind, Policy policy, Task parent) {
    checkCpu(cpu);
    if (parent != null) requireAlive(parent, "fork from");
    k.opCost = 0;
    k.charge(Primitive.TASK_ALLOC);
    Task t = new Task(name, nextTaskId++, kind, policy, parent, cpu);
    t.stack = policy.allocate(t, cpu);
    // copy_thread() writes the child's first frame at the top of its new stack.
    if (!t.stack.directMapped) k.mmu.access(k.cpus[cpu], t.stack.pageVa(0), policy.id);
    k.cpus[cpu].runnable++;
    t.liveIndex = live.size();
    live.add(t);
    k.metrics.inc(policy.id, Counter.THREADS_LIVE);
    k.metrics.inc(policy.id, Counter.THREADS_FORKED);
    k.metrics.record(policy.id, Op.FORK, k.opCost);
    done("fork", t, cpu);
    return t;
  }

  public void exit(Task t) {
    ensureRunning(t, "exit");
    k.opCost = 0;
    k.charge(Primitive.SYSCALL);
    int cpu = t.cpu;
    die(t, "exited");
    k.metrics.record(t.policy.id, Op.EXIT, k.opCost);
    done("exit", t, cpu);
  }

  public void enter(Task t) {
    ensureRunning(t, "enter");
    if (t.kind == ThreadKind.KERNEL) throw new SimError("'" + t + "' is a kernel thread: it is always in the kernel");
    if (t.inKernel) throw new SimError("'" + t + "' is already in the kernel");
    k.opCost = 0;
    k.charge(Primitive.SYSCALL);
    t.inKernel = true;
    t.stack.depth = 0;
    // The entry code pushes pt_regs at the top of the kernel stack.
    if (touchPage(t, 0)) t.policy.onEnter(t);
    if (t.alive()) k.metrics.record(t.policy.id, Op.ENTER, k.opCost);
    done("enter", t, t.cpu);
  }

  public void leave(Task t) {
    ensureRunning(t, "leave");
    if (t.kind == ThreadKind.KERNEL) throw new SimError("'" + t + "' is a kernel thread: it never leaves the kernel");
    if (!t.inKernel) throw new SimError("'" + t + "' is not in the kernel");
    if (t.atomic()) throw new SimError("'" + t + "' cannot return to user mode with preemption or IRQs disabled");
    k.opCost = 0;
    k.charge(Primitive.SYSCALL);
    t.stack.depth = 0;   // back in user mode the kernel stack is empty
    t.policy.releaseSegment(t);
    t.policy.onLeave(t);
    t.inKernel = false;
    k.rcu.quiescent(t.cpu);
    k.metrics.record(t.policy.id, Op.LEAVE, k.opCost);
    done("leave", t, t.cpu);
  }

  /** The stack's use becomes {@code bytes}: deeper pages are touched, in order, from the top down. */
  public void depth(Task t, long bytes) {
    ensureRunning(t, "depth");
    if (bytes < 0) throw new SimError("a depth cannot be negative");
    KernelStack s = t.stack;
    int oldPages = KernelStack.pagesFor(s.depth), newPages = KernelStack.pagesFor(bytes);
    int usable = s.pages + t.segment.length;   // an expansion segment continues the stack
    boolean ok = true;
    for (int p = oldPages; p < newPages && ok; p++) {
      if (p >= usable) { ok = overflow(t, bytes); break; }
      if (p < s.pages) ok = t.policy.touchOwn(t, p, this);
    }
    if (ok && newPages <= oldPages && newPages > 0 && newPages <= s.pages) ok = t.policy.touchOwn(t, newPages - 1, this);
    if (t.alive()) {
      s.depth = bytes;
      s.deepest = Math.max(s.deepest, bytes);
      if (newPages <= s.pages) t.policy.releaseSegment(t);   // the callout returned
    }
    done("depth", t, t.cpu);
  }

  public void ensure(Task t, long bytes) {
    ensureRunning(t, "ensure");
    if (bytes < 0) throw new SimError("ensure takes a positive size");
    t.policy.ensure(t, bytes);
    done("ensure", t, t.cpu);
  }

  public void preemptDisable(Task t) {
    ensureRunning(t, "preempt_disable");
    t.policy.prefault(t, this);
    if (t.alive()) t.preemptCount++;
    done("preempt_disable", t, t.cpu);
  }

  public void preemptEnable(Task t) {
    ensureRunning(t, "preempt_enable");
    if (t.preemptCount == 0) throw new SimError("preempt_enable on '" + t + "' without a matching preempt_disable");
    t.preemptCount--;
    done("preempt_enable", t, t.cpu);
  }

  public void irqDisable(Task t) {
    ensureRunning(t, "irq_disable");
    t.policy.prefault(t, this);
    if (t.alive()) t.irqCount++;
    done("irq_disable", t, t.cpu);
  }

  public void irqEnable(Task t) {
    ensureRunning(t, "irq_enable");
    if (t.irqCount == 0) throw new SimError("irq_enable on '" + t + "' without a matching irq_disable");
    t.irqCount--;
    done("irq_enable", t, t.cpu);
  }

  public void sleep(Task t) {
    ensureRunning(t, "sleep");
    if (t.atomic()) throw new SimError("'" + t + "' cannot sleep with preemption or IRQs disabled");
    Cpu cpu = k.cpus[t.cpu];
    t.state = Task.State.SLEEPING;
    cpu.runnable--;
    t.policy.onSleep(t);
    switchTo(cpu, null);
    done("sleep", t, cpu.id);
  }

  /** {@code cpu} -1: the CPU it last ran on. */
  public void wake(Task t, int cpu) {
    requireAlive(t, "wake");
    if (t.state != Task.State.SLEEPING) throw new SimError("'" + t + "' is not sleeping");
    if (cpu >= 0) checkCpu(cpu);
    t.cpu = cpu < 0 ? t.cpu : cpu;
    t.state = Task.State.RUNNABLE;
    k.cpus[t.cpu].runnable++;
    done("wake", t, t.cpu);
  }

  public void migrate(Task t, int cpu) {
    requireAlive(t, "migrate");
    checkCpu(cpu);
    Cpu from = k.cpus[t.cpu];
    if (from.current == t) {
      if (t.atomic()) throw new SimError("'" + t + "' cannot migrate with preemption or IRQs disabled");
      switchTo(from, null);
    }
    if (t.state == Task.State.RUNNABLE) {
      from.runnable--;
      k.cpus[cpu].runnable++;
    }
    t.cpu = cpu;
    done("migrate", t, cpu);
  }

  public void run(Task t) {
    ensureRunning(t, "run");
    done("run", t, t.cpu);
  }

  /** An object at {@code offset} below the top of {@code t}'s stack becomes reachable from other CPUs. */
  public void publish(Task t, long offset) {
    ensureRunning(t, "publish");
    checkOffset(t, offset);
    long[] p = java.util.Arrays.copyOf(t.published, t.published.length + 1);
    p[p.length - 1] = offset;
    t.published = p;
    done("publish", t, t.cpu);
  }

  /** CPU {@code cpu} dereferences the object at {@code offset} in {@code t}'s stack, whatever it is running. */
  public void touch(Task t, long offset, int cpu) {
    requireAlive(t, "touch");
    checkCpu(cpu);
    checkOffset(t, offset);
    KernelStack s = t.stack;
    if (!s.directMapped) {
      Mmu.Access a = k.mmu.access(k.cpus[cpu], s.pageVa(KernelStack.pageOf(offset)), t.policy.id);
      if (a == Mmu.Access.NOT_MAPPED) k.metrics.inc(t.policy.id, Counter.UNMAPPED_ACCESS);
    }
    done("touch", t, cpu);
  }

  /** Time passes on every CPU: each passes quiescent states, so grace periods complete on time. */
  public void advance(long ns) {
    if (ns < 0) throw new SimError("time cannot go backwards");
    long target = k.now + ns;
    k.rcu.allQuiescent();
    for (long end = k.rcu.earliestEnd(); end >= 0 && end <= target; end = k.rcu.earliestEnd()) {
      k.now = Math.max(k.now, end);
      k.rcu.poll(k.now);
      k.rcu.allQuiescent();
    }
    k.now = target;
    done("advance", null, -1);
  }

  /** synchronize_rcu(): waits until a full grace period has elapsed. */
  public void rcuSync() {
    boolean[] passed = {false};
    k.rcu.call(() -> passed[0] = true, k.now);
    while (!passed[0]) {
      k.rcu.allQuiescent();
      k.now = Math.max(k.now, k.rcu.earliestEnd());
      k.rcu.poll(k.now);
    }
    done("rcu_sync", null, -1);
  }

  // ---------------------------------------------------------------- scheduling

  private void ensureRunning(Task t, String event) {
    requireAlive(t, event);
    if (t.state == Task.State.SLEEPING)
      throw new SimError("'" + t + "' is sleeping: wake it before '" + event + "'");
    Cpu cpu = k.cpus[t.cpu];
    if (cpu.current != t) switchTo(cpu, t);
  }

  /** __schedule() on {@code cpu}: from its current thread (or idle) to {@code next} (null: idle). */
  private void switchTo(Cpu cpu, Task next) {
    Task prev = cpu.current;
    if (prev == next) return;
    if (prev != null && prev.alive() && prev.atomic())
      throw new SimError("cpu " + cpu.id + " cannot switch from '" + prev + "' to "
          + (next == null ? "idle" : "'" + next + "'") + ": '" + prev + "' has preemption or IRQs disabled");
    long outer = k.opCost;
    k.opCost = 0;
    k.charge(Primitive.CONTEXT_SWITCH);
    if (prev != null) {
      prev.policy.onSwitchOut(prev);
      prev.policy.refillSupply(cpu.id);   // dynamic_stack(prev) in __schedule()
    }
    cpu.current = next;
    k.rcu.quiescent(cpu.id);
    if (prev != null && !prev.alive() && prev.policy.config.free == PolicyConfig.Free.AT_SWITCH) {
      // finish_task_switch(): put_task_stack() of the dead task; cache it, else free after RCU.
      releaseAtSwitch(prev, cpu.id);
    }
    if (next != null) {
      next.policy.onSwitchIn(next, cpu.id);
      // switch_to() pops the next thread's saved registers from its stack.
      int p = Math.max(0, KernelStack.pagesFor(next.stack.depth) - 1);
      touchPage(next, Math.min(p, next.stack.pages - 1));
    }
    Task owner = next != null ? next : prev;
    if (owner != null) k.metrics.record(owner.policy.id, Op.SWITCH, k.opCost);
    k.opCost += outer;
  }

  private void die(Task t, String why) {
    t.policy.releaseSegment(t);
    t.state = Task.State.DEAD;
    t.death = why;
    Cpu cpu = k.cpus[t.cpu];
    cpu.runnable--;
    Task last = live.remove(live.size() - 1);
    if (last != t) {
      live.set(t.liveIndex, last);
      last.liveIndex = t.liveIndex;
    }
    t.liveIndex = -1;
    k.metrics.add(t.policy.id, Counter.THREADS_LIVE, -1);
    k.metrics.inc(t.policy.id, Counter.THREADS_EXITED);
    t.preemptCount = 0;
    t.irqCount = 0;
    Policy p = t.policy;
    KernelStack s = t.stack;
    p.retire(s);
    switch (p.config.free) {
      // Linux 4.9-5.16: free_thread_stack() at exit, into the cache or vfree_atomic().
      case AT_EXIT -> { if (!p.tryCache(s, cpu.id)) p.destroy(s, cpu.id); }
      // thread_info on the stack: the stack lives until the task_struct's RCU callback.
      case AFTER_RCU -> deferPastRcu(p, s, cpu.id);
      case AT_SWITCH -> { }   // finish_task_switch(), below
    }
    if (cpu.current == t) switchTo(cpu, null);
  }

  private void releaseAtSwitch(Task dead, int cpu) {
    if (!dead.policy.tryCache(dead.stack, cpu)) deferPastRcu(dead.policy, dead.stack, cpu);
  }

  /** call_rcu(): after the grace period the stack goes to the cache of the CPU that queued it, or is freed. */
  private void deferPastRcu(Policy p, KernelStack s, int cpu) {
    k.metrics.inc(p.id, Counter.FREE_DEFERRED);
    k.rcu.call(() -> {
      k.metrics.add(p.id, Counter.FREE_DEFERRED, -1);
      long saved = k.opCost;
      if (!p.tryCache(s, cpu)) p.destroy(s, cpu);
      k.opCost = saved;
    }, k.now);
  }

  @Override public void kill(Task t, String why) {
    int cpu = t.cpu;
    die(t, why);
    done("killed", t, cpu);
  }

  /** The thread touches page {@code p} of its own stack (past its end: the guard, or the neighbour). */
  @Override public boolean touchPage(Task t, int p) {
    if (p >= t.stack.pages) return overflow(t, (long) (p + 1) * 4096);
    return t.policy.touchOwn(t, p, this);
  }

  /** The stack ran past its end: a guard page stops it (oops, the thread dies), else the neighbour is overwritten. */
  private boolean overflow(Task t, long bytes) {
    if (t.policy.hasGuard()) {
      k.metrics.inc(t.policy.id, Counter.OVERFLOW);
      kill(t, "was killed by a stack overflow (" + bytes + " bytes into a " + t.stack.pages * 4096L + "-byte stack hit the guard page)");
      return false;
    }
    k.metrics.inc(t.policy.id, Counter.SILENT_OVERFLOW);
    return true;
  }

  private void done(String kind, Task t, int cpu) {
    k.rcu.poll(k.now);
    if (!shrinkers.isEmpty()) runShrinkers();
    if (listener != null) listener.event(k.now, kind, t, cpu);
  }

  /** A shrinker runs at most once per its period, when simulated time has reached it. */
  private void runShrinkers() {
    for (int i = 0; i < shrinkers.size(); i++) {
      if (k.now < nextShrink[i]) continue;
      Policy p = shrinkers.get(i);
      long saved = k.opCost;
      if (!p.reclaim()) for (int j = 0; j < live.size(); j++) {
        Task t = live.get(j);
        if (t.policy == p) p.shrinkSleeping(t);
      }
      k.opCost = saved;
      nextShrink[i] = k.now + p.config.shrinkerEveryNs;
    }
  }

  private void requireAlive(Task t, String event) {
    if (!t.alive()) throw new SimError("'" + t + "' " + t.death + "; it cannot " + event);
  }

  private void checkCpu(int cpu) {
    if (cpu < 0 || cpu >= k.cpus.length)
      throw new SimError("cpu " + cpu + " does not exist: the machine has cpus 0 to " + (k.cpus.length - 1));
  }

  private void checkOffset(Task t, long offset) {
    long size = (long) t.stack.pages * 4096;
    if (offset < 1 || offset > size)
      throw new SimError("offset " + offset + " is outside '" + t + "''s " + size + "-byte stack");
  }

  // ---------------------------------------------------------------- metrics

  /** A metric's value (MetricCatalog names), global or scoped to {@code scope}: a Double, or a String for TEXT metrics. */
  public Object metric(String name, Policy scope) {
    MetricCatalog.Info info = MetricCatalog.lookup(name);
    if (info == null) throw new IllegalArgumentException("unknown metric " + name);
    int s = scope == null ? -1 : scope.id;
    long page = k.config.pageSize;
    if (name.startsWith("latency.")) {
      String[] parts = name.split("\\.");
      Latency l = k.metrics.latency(Op.valueOf(parts[1].toUpperCase()), s);
      return switch (parts[2]) {
        case "mean" -> l.mean();
        case "p50" -> (double) l.percentile(50);
        case "p99" -> (double) l.percentile(99);
        case "max" -> (double) l.max();
        default -> (double) l.count();
      };
    }
    return switch (name) {
      case "threads.live" -> n(Counter.THREADS_LIVE, s);
      case "threads.forked" -> n(Counter.THREADS_FORKED, s);
      case "threads.exited" -> n(Counter.THREADS_EXITED, s);
      case "stacks.resident" -> n(Counter.RESIDENT_PAGES, s) * page;
      case "stacks.resident_peak" -> n(Counter.RESIDENT_PEAK_PAGES, s) * page;
      case "stacks.cached" -> n(Counter.CACHED_PAGES, s) * page;
      case "supply.resident" -> n(Counter.SUPPLY_PAGES, s) * page;
      case "stacks.virtual" -> (double) (scope != null ? scope.virtualBytes()
          : policies.stream().mapToLong(Policy::virtualBytes).sum());
      case "stacks.pagetables" -> (double) (scope != null ? k.pageTable.tablePages(scope.id) : k.pageTable.tablePages()) * page;
      case "alloc.count" -> n(Counter.ALLOC_COUNT, s);
      case "alloc.slow" -> n(Counter.ALLOC_SLOW, s);
      case "cache.hits" -> n(Counter.CACHE_HITS, s);
      case "cache.misses" -> n(Counter.CACHE_MISSES, s);
      case "cache.dropped" -> n(Counter.CACHE_DROPPED, s);
      case "cache.hit_rate" -> {
        double h = n(Counter.CACHE_HITS, s), m = n(Counter.CACHE_MISSES, s);
        yield h + m == 0 ? 0.0 : h / (h + m);
      }
      case "free.deferred" -> n(Counter.FREE_DEFERRED, s);
      case "rcu.grace_periods" -> (double) k.rcu.completed();
      case "faults.stack" -> n(Counter.FAULTS_STACK, s);
      case "prefaults" -> n(Counter.PREFAULTS, s);
      case "ensure.failed" -> n(Counter.ENSURE_FAILED, s);
      case "tlb.misses" -> n(Counter.TLB_MISSES, s);
      case "tlb.flushes" -> n(Counter.TLB_FLUSHES, s);
      case "tlb.shootdowns" -> n(Counter.TLB_SHOOTDOWNS, s);
      case "ipis" -> n(Counter.IPIS, s);
      case "tlb.purges" -> n(Counter.TLB_PURGES, s);
      case "tlb.coalesced" -> n(Counter.TLB_COALESCED, s);
      case "violations.stale_tlb" -> n(Counter.STALE_TLB, s);
      case "violations.atomic_fault" -> n(Counter.ATOMIC_FAULT, s);
      case "violations.double_fault" -> n(Counter.DOUBLE_FAULT, s);
      case "violations.overflow" -> n(Counter.OVERFLOW, s);
      case "violations.silent_overflow" -> n(Counter.SILENT_OVERFLOW, s);
      case "violations.supply_exhausted" -> n(Counter.SUPPLY_EXHAUSTED, s);
      case "violations.unmapped_access" -> n(Counter.UNMAPPED_ACCESS, s);
      case "violations.total" -> (double) k.metrics.violations(s);
      case "time.now" -> (double) k.now;
      case "reserv.full" -> (double) reservations(scope).stream().mapToLong(Reservations::full).sum();
      case "reserv.partial" -> (double) reservations(scope).stream().mapToLong(Reservations::partial).sum();
      case "reserv.broken" -> (double) reservations(scope).stream().mapToLong(Reservations::broken).sum();
      case "reserv.pattern" -> String.join("|", reservations(scope).stream().map(Reservations::pattern).toList());
      case "phys.excess" -> {
        long reserved = 0, used = 0;
        for (Reservations r : reservations(scope)) { reserved += r.reservedFrames(); used += r.populatedFrames(); }
        yield used == 0 ? 0.0 : (double) (reserved - used) / used;
      }
      default -> throw new IllegalArgumentException("metric " + name + " has no value");
    };
  }

  private double n(Counter c, int scope) { return k.metrics.get(c, scope); }

  private List<Reservations> reservations(Policy scope) {
    List<Reservations> out = new ArrayList<>();
    for (Policy p : policies) if ((scope == null || scope == p) && p.reservations() != null) out.add(p.reservations());
    return out;
  }

  // ---------------------------------------------------------------- invariants

  /**
   * Checks the model against itself; throws IllegalStateException naming the first broken rule:
   * no frame mapped twice or mapped while free, every mapped stack page backed by an allocated
   * frame and its PTE, counters consistent with the state.
   */
  public void checkInvariants() {
    BitSet seen = new BitSet();
    long[] resident = new long[policies.size()], cached = new long[policies.size()];
    for (Task t : live) {
      checkStack(t.stack, seen, t.name);
      resident[t.policy.id] += t.stack.mappedCount() + t.segment.length;
      for (int pfn : t.segment) {
        if (!k.memory.isAllocated(pfn) || seen.get(pfn)) fail(t.name + ": expansion segment frame " + pfn + " is free or used twice");
        seen.set(pfn);
      }
    }
    for (Policy p : policies) {
      p.forEachCached((cpu, s) -> checkStack(s, seen, "a cached stack of " + p.name));
      long[] c = {0};
      p.forEachCached((cpu, s) -> c[0] += s.mappedCount());
      cached[p.id] = c[0];
      for (Cpu cpu : k.cpus) {
        for (int i = 0; i < p.supplyCount(cpu.id); i++) {
          int pfn = p.supplyPage(cpu.id, i);
          if (!k.memory.isAllocated(pfn)) fail("supply page " + pfn + " of " + p.name + " is free");
          if (seen.get(pfn)) fail("supply page " + pfn + " of " + p.name + " is also mapped");
          seen.set(pfn);
        }
      }
    }
    long supply = 0;
    for (Policy p : policies) {
      if (k.metrics.get(Counter.RESIDENT_PAGES, p.id) != resident[p.id])
        fail(p.name + ": stacks.resident counts " + k.metrics.get(Counter.RESIDENT_PAGES, p.id) + " pages, the stacks hold " + resident[p.id]);
      if (k.metrics.get(Counter.CACHED_PAGES, p.id) != cached[p.id])
        fail(p.name + ": stacks.cached counts " + k.metrics.get(Counter.CACHED_PAGES, p.id) + " pages, the cache holds " + cached[p.id]);
      long sp = 0;
      for (Cpu cpu : k.cpus) sp += p.supplyCount(cpu.id);
      if (k.metrics.get(Counter.SUPPLY_PAGES, p.id) != sp) fail(p.name + ": supply.resident disagrees with the supplies");
      supply += sp;
    }
    if (k.metrics.get(Counter.THREADS_LIVE, -1) != live.size()) fail("threads.live disagrees with the live threads");
    if (k.metrics.get(Counter.FREE_DEFERRED, -1) > k.rcu.waiting()) fail("free.deferred exceeds the RCU callbacks waiting");
    for (Cpu cpu : k.cpus) {
      if (cpu.current != null && (!cpu.current.alive() || cpu.current.cpu != cpu.id || cpu.current.state != Task.State.RUNNABLE))
        fail("cpu " + cpu.id + " runs '" + cpu.current + "', which is not runnable there");
    }
  }

  private void checkStack(KernelStack s, BitSet seen, String whose) {
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
