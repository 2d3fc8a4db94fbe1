package dev.kss.js;

import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.sched.Task;
import dev.kss.machine.sched.ThreadKind;
import org.graalvm.polyglot.HostAccess.Export;

/**
 * A thread as {@code kss.thread()} and {@code kss.threads()} hand it to the prelude, which makes
 * its thread object from it (the same as a hook's argument; the name is asked for when read).
 */
public final class ThreadView {
  @Export public final int id;
  /** The CPU it runs on (or last ran on), and that CPU's NUMA node. */
  @Export public final int cpu, node;
  /** A kernel thread (always in the kernel), or a user thread, in the kernel now or not. */
  @Export public final boolean kernel, inKernel, sleeping, atomic;
  /** Bytes of its kernel stack in use, and the pages they take (KernelStack.pagesFor). */
  @Export public final double depth;
  @Export public final int depthPages;
  /** Its stack, or null before it has one (in {@code alloc}). */
  @Export public final StackView stack;
  final Task task;

  ThreadView(Task t, int node, StackView stack) {
    this.task = t;
    this.id = t.id;
    this.cpu = t.cpu;
    this.node = node;
    this.kernel = t.kind == ThreadKind.KERNEL;
    this.inKernel = t.inKernel;
    this.sleeping = t.state == Task.State.SLEEPING;
    this.atomic = t.atomic();
    this.depth = t.stack == null ? 0 : t.stack.depth;
    this.depthPages = t.stack == null ? 0 : KernelStack.pagesFor(t.stack.depth);
    this.stack = stack;
  }

  @Override public String toString() { return "thread " + task.name; }
}
