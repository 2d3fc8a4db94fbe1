package dev.kss.machine;

import dev.kss.machine.sched.Task;
import dev.kss.machine.sched.ThreadKind;
import dev.kss.machine.stack.Policy;
import dev.kss.machine.stack.PolicyConfig;

/**
 * The simulated machine: the one facade the interpreter, the REPL and the JS bridge drive.
 * Each method is one event of LANGUAGE.md; it walks the mechanisms (scheduler, policy, memory,
 * page tables, TLBs, RCU), charges their costs and counts their metrics. Impossible requests
 * (an event on a dead thread) throw {@link SimError}.
 */
public final class Machine {
  public Machine(MachineConfig config) { throw new UnsupportedOperationException("TODO"); }

  public MachineConfig config() { throw new UnsupportedOperationException("TODO"); }
  public Policy definePolicy(String name, PolicyConfig config) { throw new UnsupportedOperationException("TODO"); }
  /** The built-in {@code default} policy (today's Linux), which needs no {@code use}. */
  public Policy builtinDefault() { throw new UnsupportedOperationException("TODO"); }
  public PolicyConfig newPolicyConfig() { throw new UnsupportedOperationException("TODO"); }

  public Task fork(String name, int cpu, ThreadKind kind, Policy policy, Task parent) { throw new UnsupportedOperationException("TODO"); }
  public void exit(Task t) { throw new UnsupportedOperationException("TODO"); }
  public void enter(Task t) { throw new UnsupportedOperationException("TODO"); }
  public void leave(Task t) { throw new UnsupportedOperationException("TODO"); }
  public void depth(Task t, long bytes) { throw new UnsupportedOperationException("TODO"); }
  public void ensure(Task t, long bytes) { throw new UnsupportedOperationException("TODO"); }
  public void preemptDisable(Task t) { throw new UnsupportedOperationException("TODO"); }
  public void preemptEnable(Task t) { throw new UnsupportedOperationException("TODO"); }
  public void irqDisable(Task t) { throw new UnsupportedOperationException("TODO"); }
  public void irqEnable(Task t) { throw new UnsupportedOperationException("TODO"); }
  public void sleep(Task t) { throw new UnsupportedOperationException("TODO"); }
  /** {@code cpu} -1: the CPU it last ran on. */
  public void wake(Task t, int cpu) { throw new UnsupportedOperationException("TODO"); }
  public void migrate(Task t, int cpu) { throw new UnsupportedOperationException("TODO"); }
  public void run(Task t) { throw new UnsupportedOperationException("TODO"); }
  public void publish(Task t, long offset) { throw new UnsupportedOperationException("TODO"); }
  public void touch(Task t, long offset, int cpu) { throw new UnsupportedOperationException("TODO"); }
  public void advance(long ns) { throw new UnsupportedOperationException("TODO"); }
  public void rcuSync() { throw new UnsupportedOperationException("TODO"); }

  /** A metric's value (MetricCatalog names), global or scoped to {@code scope}: a Double, or a String for TEXT metrics. */
  public Object metric(String name, Policy scope) { throw new UnsupportedOperationException("TODO"); }
  public long now() { throw new UnsupportedOperationException("TODO"); }
  /** Throws IllegalStateException naming the first broken invariant. */
  public void checkInvariants() { throw new UnsupportedOperationException("TODO"); }
}
