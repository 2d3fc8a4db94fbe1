package dev.kss.machine.sched;

import dev.kss.machine.stack.KernelStack;
import dev.kss.machine.stack.Policy;

/** A thread: the kernel's task_struct, reduced to what stack policies see. */
public final class Task implements java.io.Serializable {
  public enum State { RUNNABLE, SLEEPING, DEAD }

  public final String name;
  public final int id;
  public final ThreadKind kind;
  public final Policy policy;
  public final Task parent;
  public State state = State.RUNNABLE;
  /** The CPU it runs on, or last ran on. */
  public int cpu;
  /** In the kernel (always, for kernel threads) or in user mode. */
  public boolean inKernel;
  public int preemptCount, irqCount;
  public KernelStack stack;
  /** Why it died, for error messages: "exited" or "was killed by ...". */
  public String death;
  /** Offsets of objects on its stack that other CPUs can reach (publish). */
  public long[] published = NOTHING_PUBLISHED;
  private static final long[] NOTHING_PUBLISHED = new long[0];
  /** Frames of an expansion segment (KeExpandKernelStackAndCallout), in use below the stack. */
  public int[] segment = NO_SEGMENT;
  public static final int[] NO_SEGMENT = new int[0];
  /** Position in the machine's list of live threads. */
  public int liveIndex = -1;

  public Task(String name, int id, ThreadKind kind, Policy policy, Task parent, int cpu) {
    this.name = name;
    this.id = id;
    this.kind = kind;
    this.policy = policy;
    this.parent = parent;
    this.cpu = cpu;
    this.inKernel = kind == ThreadKind.KERNEL;
  }

  public boolean atomic() { return preemptCount > 0 || irqCount > 0; }

  public boolean alive() { return state != State.DEAD; }

  @Override public String toString() { return name; }
}
