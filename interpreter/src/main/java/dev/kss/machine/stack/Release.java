package dev.kss.machine.stack;

import dev.kss.machine.base.Copier;
import dev.kss.machine.base.State;
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
  /** A stack waiting for a grace period, queued on {@code cpu}; {@link #SYNC} is synchronize_rcu() waiting. */
  public record Deferred(int policy, KernelStack stack, int cpu) {
    Deferred copy(Copier c) { return this == SYNC ? SYNC : new Deferred(policy, KernelStack.copy(stack, c), cpu); }

    static void state(Deferred d, State s) {
      s.put((long) d.policy << 32 | (d.cpu & 0xffffffffL));
      if (d.stack != null) s.put(d.stack.top);
    }
  }

  static final Deferred SYNC = new Deferred(-1, null, -1);

  private final Kernel k;

  Release(Kernel k) { this.k = k; }

  /** {@code t} died on {@code cpu}: its stack, retired from the live ones, is released as its policy says. */
  void atDeath(Task t, int cpu) {
    Policy p = k.policyOf(t);
    KernelStack s = t.stack;
    switch (p.config.free) {
      case AT_EXIT -> { if (!p.tryCache(s, cpu)) p.destroy(s, cpu); }
      case AFTER_RCU -> deferPastRcu(p, s, cpu);
      case AT_SWITCH -> { }   // finish_task_switch(), atSwitch
    }
  }

  /** finish_task_switch(): put_task_stack() of the dead task; cached, else freed after RCU. */
  void atSwitch(Task dead, int cpu) {
    Policy p = k.policyOf(dead);
    if (p.config.free != PolicyConfig.Free.AT_SWITCH) return;
    if (!p.tryCache(dead.stack, cpu)) deferPastRcu(p, dead.stack, cpu);
  }

  /** call_rcu(): after the grace period the stack goes to the cache of the CPU that queued it, or is freed. */
  private void deferPastRcu(Policy p, KernelStack s, int cpu) {
    k.metrics.inc(p.id, Metric.FREE_DEFERRED);
    call(new Deferred(p.id, s, cpu));
  }

  private void call(Deferred d) {
    if (k.rcu.call(d, k.now(), k.quiescent) && k.probing) k.probe().gracePeriodStart(k.now());
  }

  /** Ends the grace period if it is due and runs its callbacks; true when a synchronize_rcu() it carried is over. */
  boolean poll() {
    List<Deferred> batch = k.rcu.poll(k.now(), k.quiescent);
    if (batch.isEmpty()) return false;
    if (k.probing) k.probe().gracePeriodEnd(k.now());
    if (k.rcu.active() && k.probing) k.probe().gracePeriodStart(k.now());
    boolean synced = false;
    for (Deferred d : batch) {
      if (d == SYNC) { synced = true; continue; }
      Policy p = k.policy(d.policy);
      k.metrics.add(p.id, Metric.FREE_DEFERRED, -1);
      long saved = k.clock.beginDetached();
      if (!p.tryCache(d.stack, d.cpu)) p.destroy(d.stack, d.cpu);
      k.clock.endDetached(saved);
    }
    return synced;
  }

  /** Time passes by {@code ns} on every CPU: each passes quiescent states, so grace periods complete on time. */
  public void advance(long ns) {
    long target = k.now() + ns;
    k.rcu.allQuiescent();
    for (long end = k.rcu.earliestEnd(); end >= 0 && end <= target; end = k.rcu.earliestEnd()) {
      k.clock.advanceTo(end);
      poll();
      k.rcu.allQuiescent();
    }
    k.clock.setNow(target);   // the advance ends at its target: the callbacks' work is absorbed in it
  }

  /** synchronize_rcu(): waits until a full grace period has elapsed. */
  public void sync() {
    call(SYNC);
    boolean passed = false;
    while (!passed) {
      k.rcu.allQuiescent();
      k.clock.advanceTo(k.rcu.earliestEnd());
      passed = poll();
    }
  }
}
