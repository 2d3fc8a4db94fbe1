package dev.kss.machine.op;

import dev.kss.machine.sched.Task;
import dev.kss.machine.sched.ThreadKind;

/**
 * An event the machine accepts, as a value: the interpreter, the REPL and every other driver build
 * one of these and hand it to {@code Machine.apply}, the one way the model is driven. Threads are
 * the machine's own {@link Task}s (a copy of the machine has copies of them); CPUs and policies are
 * numbers.
 */
public sealed interface Op {
  /** The thread it acts on, or null for a machine-wide event. */
  Task thread();

  /** The keyword of the event in a script, for messages and traces. */
  String keyword();

  /** The CPU whose clock it runs on: its thread's unless it says otherwise; -1 for a machine-wide one. */
  default int runsOn() { return thread().cpu; }

  /** At a script's top level, the thread whose last event it waits for across CPUs, or null. */
  default Task waitsFor() { return null; }

  /** Calls the visitor's method for this kind of operation (the machine applies operations this way). */
  <R> R accept(Visitor<R> v);

  /** One method per kind of operation. */
  interface Visitor<R> {
    R fork(Fork op);
    R exit(Exit op);
    R enter(Enter op);
    R leave(Leave op);
    R depth(Depth op);
    R ensure(Ensure op);
    R preemptDisable(PreemptDisable op);
    R preemptEnable(PreemptEnable op);
    R irqDisable(IrqDisable op);
    R irqEnable(IrqEnable op);
    R sleep(Sleep op);
    R wake(Wake op);
    R migrate(Migrate op);
    R run(Run op);
    R idle(Idle op);
    R publish(Publish op);
    R touch(Touch op);
    R advance(Advance op);
    R spend(Spend op);
    R rcuSync(RcuSync op);
    R join(Join op);
  }

  /** A new thread {@code name} on {@code cpu} with a stack of policy {@code policy}; {@code parent} null: none. */
  record Fork(String name, int cpu, ThreadKind kind, int policy, Task parent) implements Op {
    @Override public int runsOn() { return cpu; }
    @Override public Task waitsFor() { return parent; }
    @Override public <R> R accept(Visitor<R> v) { return v.fork(this); }
    @Override public Task thread() { return null; }
    @Override public String keyword() { return "fork"; }
  }

  record Exit(Task thread) implements Op {
    @Override public <R> R accept(Visitor<R> v) { return v.exit(this); }
    @Override public String keyword() { return "exit"; }
  }

  /** User mode to kernel mode (a syscall or an interrupt). */
  record Enter(Task thread) implements Op {
    @Override public <R> R accept(Visitor<R> v) { return v.enter(this); }
    @Override public String keyword() { return "enter"; }
  }

  record Leave(Task thread) implements Op {
    @Override public <R> R accept(Visitor<R> v) { return v.leave(this); }
    @Override public String keyword() { return "leave"; }
  }

  /** The stack's use becomes {@code bytes}. */
  record Depth(Task thread, long bytes) implements Op {
    @Override public <R> R accept(Visitor<R> v) { return v.depth(this); }
    @Override public String keyword() { return "depth"; }
  }

  /** Room for {@code bytes} more below the current depth, asked before going deeper. */
  record Ensure(Task thread, long bytes) implements Op {
    @Override public <R> R accept(Visitor<R> v) { return v.ensure(this); }
    @Override public String keyword() { return "ensure"; }
  }

  record PreemptDisable(Task thread) implements Op {
    @Override public <R> R accept(Visitor<R> v) { return v.preemptDisable(this); }
    @Override public String keyword() { return "preempt_disable"; }
  }

  record PreemptEnable(Task thread) implements Op {
    @Override public <R> R accept(Visitor<R> v) { return v.preemptEnable(this); }
    @Override public String keyword() { return "preempt_enable"; }
  }

  record IrqDisable(Task thread) implements Op {
    @Override public <R> R accept(Visitor<R> v) { return v.irqDisable(this); }
    @Override public String keyword() { return "irq_disable"; }
  }

  record IrqEnable(Task thread) implements Op {
    @Override public <R> R accept(Visitor<R> v) { return v.irqEnable(this); }
    @Override public String keyword() { return "irq_enable"; }
  }

  record Sleep(Task thread) implements Op {
    @Override public <R> R accept(Visitor<R> v) { return v.sleep(this); }
    @Override public String keyword() { return "sleep"; }
  }

  /** {@code cpu} -1: where it last ran. */
  record Wake(Task thread, int cpu) implements Op {
    @Override public int runsOn() { return cpu >= 0 ? cpu : thread.cpu; }
    @Override public <R> R accept(Visitor<R> v) { return v.wake(this); }
    @Override public String keyword() { return "wake"; }
  }

  record Migrate(Task thread, int cpu) implements Op {
    @Override public <R> R accept(Visitor<R> v) { return v.migrate(this); }
    @Override public String keyword() { return "migrate"; }
  }

  /** Its CPU switches to it. */
  record Run(Task thread) implements Op {
    @Override public <R> R accept(Visitor<R> v) { return v.run(this); }
    @Override public String keyword() { return "run"; }
  }

  /**
   * CPU {@code cpu} switches to its idle task (a recorded sched_switch to swapper): the thread it
   * ran stays runnable, or, dead, leaves the CPU for good.
   */
  record Idle(int cpu) implements Op {
    @Override public int runsOn() { return cpu; }
    @Override public <R> R accept(Visitor<R> v) { return v.idle(this); }
    @Override public Task thread() { return null; }
    @Override public String keyword() { return "idle"; }
  }

  /** An object at {@code offset} below the top of its stack becomes reachable from other CPUs. */
  record Publish(Task thread, long offset) implements Op {
    @Override public <R> R accept(Visitor<R> v) { return v.publish(this); }
    @Override public String keyword() { return "publish"; }
  }

  /** CPU {@code cpu} dereferences the object at {@code offset} in the thread's stack. */
  record Touch(Task thread, long offset, int cpu) implements Op {
    @Override public int runsOn() { return cpu; }
    @Override public Task waitsFor() { return thread; }
    @Override public <R> R accept(Visitor<R> v) { return v.touch(this); }
    @Override public String keyword() { return "touch"; }
  }

  /** Time passes on every CPU: each goes to the latest clock plus {@code ns}. */
  record Advance(long ns) implements Op {
    @Override public int runsOn() { return -1; }
    @Override public <R> R accept(Visitor<R> v) { return v.advance(this); }
    @Override public Task thread() { return null; }
    @Override public String keyword() { return "advance"; }
  }

  /** CPU {@code cpu} spends {@code ns} (an {@code advance} in its program): its current thread stays where it is. */
  record Spend(int cpu, long ns) implements Op {
    @Override public int runsOn() { return cpu; }
    @Override public <R> R accept(Visitor<R> v) { return v.spend(this); }
    @Override public Task thread() { return null; }
    @Override public String keyword() { return "advance"; }
  }

  /**
   * A parallel block ended at {@code at}, its last event's end: time-driven work due by then takes
   * effect, and the events after it start no earlier. No clock moves.
   */
  record Join(long at) implements Op {
    @Override public int runsOn() { return -1; }
    @Override public <R> R accept(Visitor<R> v) { return v.join(this); }
    @Override public Task thread() { return null; }
    @Override public String keyword() { return "parallel"; }
  }

  /** synchronize_rcu(): waits until a full grace period has elapsed. */
  record RcuSync() implements Op {
    @Override public int runsOn() { return -1; }
    @Override public <R> R accept(Visitor<R> v) { return v.rcuSync(this); }
    @Override public Task thread() { return null; }
    @Override public String keyword() { return "rcu_sync"; }
  }
}
