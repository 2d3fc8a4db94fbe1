package dev.kss.machine.stack;

import dev.kss.machine.base.Copier;
import dev.kss.machine.base.State;
import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.sched.Task;
import java.util.function.BiConsumer;

/**
 * Decisions a policy may hand to code outside the model (dev.kss.js: a policy written in
 * JavaScript), consulted at each hook point of {@link Policy}; the built-in mechanisms run when a
 * hook declines. Like a sched_ext scheduler over the kernel's default class
 * (docs.kernel.org/scheduler/sched-ext.html), hooks may stop deciding at any time: after that every
 * method declines and the policy's own mechanisms carry on.
 */
public interface PolicyHooks {
  /** At fork: a stack it holds for {@code t} (see {@link #release}), or null for a new one. */
  KernelStack allocate(Task t, int cpu);

  /** A dead thread's stack is released on {@code cpu}: true if the hooks keep it (it then counts as cached). */
  boolean release(KernelStack s, int cpu);

  /** A fault on unmapped page {@code p} of {@code t}'s own stack: true when the page is now mapped. */
  boolean fault(Task t, int p);

  /** Kernel entry, kernel exit, sleep, switch out of and into a CPU: true when the hook replaced the built-in step. */
  boolean enter(Task t);

  boolean leave(Task t);

  boolean sleep(Task t);

  boolean switchOut(Task t, int cpu);

  boolean switchIn(Task t, int cpu);

  /** The periodic reclaim pass (the policy's {@code shrinker} period): true when it replaced the built-in shrinker. */
  boolean reclaim();

  /** The stacks the hooks keep, by the CPU that released them (for the invariants and stacks.cached). */
  void forEachHeld(BiConsumer<Integer, KernelStack> v);

  /** The hooks of {@code p}, the policy's copy in a copy of the machine; {@code c} copies the stacks they keep. */
  PolicyHooks copy(Policy p, Copier c);

  /** What of the hooks' state decides the machine's future (the stacks they keep, at least). */
  void state(State s);
}
