package dev.kss.machine.stack;

import dev.kss.machine.base.Copier;
import dev.kss.machine.base.State;
import dev.kss.machine.cost.Clock;
import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.metrics.Metric;
import dev.kss.machine.sched.Task;
import java.util.List;

/**
 * When a dead thread's stack is released, as its policy's {@code free} says: at exit
 * (free_thread_stack() in do_exit, Linux 4.9-5.16: into the cache or vfree_atomic()), after an RCU
 * grace period (thread_info on the stack: the stack lives until the task_struct's RCU callback),
 * or at the switch away from the dead thread (finish_task_switch() and put_task_stack(), Linux
 * since 2022: into the cache, else after RCU). After a grace period a stack goes to the cache of
 * the CPU that queued it, or is freed (kernel/fork.c thread_stack_free_rcu).
 */
public final class Release {
  /**
   * A stack waiting for a grace period, queued on {@code cpu}; {@code refused}: a policy's hooks
   * were offered it already and refused it, so after the grace period only the cache is tried (a
   * refused stack is dead to the hooks). {@link #SYNC} is synchronize_rcu() waiting.
   */
  public record Deferred(int policy, KernelStack stack, int cpu, boolean refused) {
    Deferred copy(Copier c) { return this == SYNC ? SYNC : new Deferred(policy, KernelStack.copy(stack, c), cpu, refused); }

    static void state(Deferred d, State s) {
      s.put((long) d.policy << 32 | (d.cpu & 0xffffffffL)).put(d.refused);
      if (d.stack != null) s.put(d.stack.top);
    }
  }

  static final Deferred SYNC = new Deferred(-1, null, -1, false);

  private final Kernel k;

  Release(Kernel k) { this.k = k; }

  /** {@code t} died on {@code cpu}: its stack, retired from the live ones, is released as its policy says. */
  void atDeath(Task t, int cpu) {
    Policy p = k.policyOf(t);
    KernelStack s = t.stack;
    switch (p.config.free) {
      case AT_EXIT -> { if (!p.tryCache(s, cpu, true)) p.drop(s, cpu); }
      case AFTER_RCU -> deferPastRcu(p, s, cpu, false);
      case AT_SWITCH -> { }   // finish_task_switch(), atSwitch
    }
  }

  /** finish_task_switch(): put_task_stack() of the dead task; cached, else freed after RCU. */
  void atSwitch(Task dead, int cpu) {
    Policy p = k.policyOf(dead);
    if (p.config.free != PolicyConfig.Free.AT_SWITCH) return;
    if (!p.tryCache(dead.stack, cpu, true)) deferPastRcu(p, dead.stack, cpu, p.hooks() != null);
  }

  /** call_rcu(): after the grace period the stack goes to the cache of the CPU that queued it, or is freed. */
  private void deferPastRcu(Policy p, KernelStack s, int cpu, boolean refused) {
    k.metrics.inc(p.id, Metric.FREE_DEFERRED);
    call(new Deferred(p.id, s, cpu, refused));
  }

  private void call(Deferred d) {
    if (k.rcu.call(d, k.now(), k.quiescent) && k.probing) k.probe().gracePeriodStart(k.now());
  }

  /**
   * Ends every grace period that ended by {@code now} and runs its callbacks, each at the grace
   * period's end on the CPU that queued it; true when a synchronize_rcu() one carried is over.
   */
  boolean poll(long now) {
    boolean synced = false;
    for (List<Deferred> batch = k.rcu.poll(now, k.quiescent); !batch.isEmpty(); batch = k.rcu.poll(now, k.quiescent)) {
      long end = k.rcu.endedAt();
      if (k.probing) k.probe().gracePeriodEnd(end);
      if (k.rcu.active() && k.probing) k.probe().gracePeriodStart(end);
      for (Deferred d : batch) {
        if (d == SYNC) { synced = true; continue; }
        Policy p = k.policy(d.policy);
        k.metrics.add(p.id, Metric.FREE_DEFERRED, -1);
        Clock.Detached saved = k.clock.beginDetached(d.cpu, end);
        if (!p.tryCache(d.stack, d.cpu, !d.refused)) p.drop(d.stack, d.cpu);
        k.clock.endDetached(saved);
      }
    }
    return synced;
  }

  /**
   * {@code advance} at the top level: every CPU's clock goes to the latest one plus {@code ns}, and
   * every CPU passes quiescent states on the way (the scheduler tick sees each one), so grace
   * periods complete on time.
   */
  public void advance(long ns) {
    long target = k.clock.latest() + ns;
    long[] clocks = clocks();
    k.rcu.allQuiescent(clocks);
    for (long end = k.rcu.end(); end >= 0 && end <= target; end = k.rcu.end()) {
      poll(end);
      k.rcu.allQuiescent(clocks);
    }
    for (int c = 0; c < k.cpus(); c++) k.clock.set(c, target);
  }

  /**
   * {@code rcu_sync} at the top level, synchronize_rcu(): the machine waits until a full grace
   * period has elapsed; every CPU waits with it (and is quiescent meanwhile), so every clock ends at
   * the grace period's end.
   */
  public void sync() {
    long from = k.clock.latest();
    for (int c = 0; c < k.cpus(); c++) k.clock.set(c, from);
    k.clock.on(0);
    call(SYNC);
    long[] clocks = clocks();
    boolean passed = false;
    while (!passed) {
      k.rcu.allQuiescent(clocks);
      long end = k.rcu.end();
      passed = poll(end);
      for (int c = 0; c < k.cpus(); c++) if (clocks[c] < end) clocks[c] = end;
    }
    for (int c = 0; c < k.cpus(); c++) k.clock.set(c, clocks[c]);
  }

  private long[] clocks() {
    long[] t = new long[k.cpus()];
    for (int c = 0; c < t.length; c++) t[c] = k.clock.now(c);
    return t;
  }
}
