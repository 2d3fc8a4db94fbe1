package dev.kss.machine.sched;

import dev.kss.machine.base.Copier;
import dev.kss.machine.mem.KernelStack;

/** A thread: the kernel's task_struct, reduced to what stack policies see. */
public final class Task implements dev.kss.machine.base.State.Part {
  public enum State { RUNNABLE, SLEEPING, DEAD }

  public final String name;
  /** Its number in the machine, from 0 in fork order. */
  public final int id;
  public final ThreadKind kind;
  /** The policy (its number) whose stacks it gets. */
  public final int policy;
  public State state = State.RUNNABLE;
  /** The CPU it runs on, or last ran on. */
  public int cpu;
  /** In the kernel (always, for kernel threads) or in user mode. */
  public boolean inKernel;
  public int preemptCount, irqCount;
  public KernelStack stack;
  /** Why it died, for error messages: "exited" or "was killed by ...". */
  public String death;
  /** Offsets of objects on its stack that other CPUs can reach (publish); replaced, never written. */
  public long[] published = NOTHING_PUBLISHED;
  private static final long[] NOTHING_PUBLISHED = new long[0];
  /** Frames of an expansion segment (KeExpandKernelStackAndCallout), in use below the stack; replaced, never written. */
  public int[] segment = NO_SEGMENT;
  public static final int[] NO_SEGMENT = new int[0];
  /** When its last event ended: its next one starts no earlier (a thread does one thing at a time). */
  public long readyAt;
  /** Position in the scheduler's list of live threads. */
  int liveIndex = -1;

  public Task(String name, int id, ThreadKind kind, int policy, int cpu) {
    this.name = name;
    this.id = id;
    this.kind = kind;
    this.policy = policy;
    this.cpu = cpu;
    this.inKernel = kind == ThreadKind.KERNEL;
  }

  private Task(Task o, Copier c) {
    name = o.name;
    id = o.id;
    kind = o.kind;
    policy = o.policy;
    state = o.state;
    cpu = o.cpu;
    inKernel = o.inKernel;
    preemptCount = o.preemptCount;
    irqCount = o.irqCount;
    stack = KernelStack.copy(o.stack, c);
    death = o.death;
    published = o.published;
    segment = o.segment;
    liveIndex = o.liveIndex;
    readyAt = o.readyAt;
  }

  /** This thread's copy in the machine being copied. */
  public static Task copy(Task t, Copier c) { return c.copy(Copier.TASK, t == null ? 0 : t.id, t, Task::new); }

  public boolean atomic() { return preemptCount > 0 || irqCount > 0; }

  public boolean alive() { return state != State.DEAD; }

  /** What matters of it: everything but its number, which only says in which order threads were forked. */
  public void state(dev.kss.machine.base.State s) { s.put(this); }

  /** Computed afresh each time (its fields are written everywhere): a handful of mixes. */
  @Override public long stateHash() {
    long h = dev.kss.machine.base.State.mix(name.hashCode(), packed());
    h = dev.kss.machine.base.State.mix(dev.kss.machine.base.State.mix(h, (long) preemptCount << 32 | irqCount), readyAt);
    h = dev.kss.machine.base.State.mix(h, death == null ? 0 : death.hashCode());
    for (long o : published) h = dev.kss.machine.base.State.mix(h, o);
    for (int f : segment) h = dev.kss.machine.base.State.mix(h, f);
    return stack == null ? h : dev.kss.machine.base.State.mix(h, stack.stateHash());
  }

  @Override public boolean sameState(dev.kss.machine.base.State.Part other) {
    Task o = (Task) other;
    return packed() == o.packed() && preemptCount == o.preemptCount && irqCount == o.irqCount && readyAt == o.readyAt
        && name.equals(o.name) && java.util.Objects.equals(death, o.death)
        && java.util.Arrays.equals(published, o.published) && java.util.Arrays.equals(segment, o.segment)
        && (stack == null ? o.stack == null : o.stack != null && stack.sameState(o.stack));
  }

  private long packed() {
    return (long) state.ordinal() << 48 | (long) kind.ordinal() << 40 | (inKernel ? 1L << 36 : 0) | (long) policy << 16 | cpu;
  }

  @Override public String toString() { return name; }
}
