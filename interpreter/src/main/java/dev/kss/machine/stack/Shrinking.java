package dev.kss.machine.stack;

import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.mem.Page;
import dev.kss.machine.sched.Task;

/** {@code shrink} and the {@code shrinker}'s pass: when mapped pages of a live thread's stack are given back. */
final class Shrinking {
  private final Policy p;

  Shrinking(Policy p) { this.p = p; }

  /** Kernel exit gives back what entry and faults added ({@code shrink on leave}). */
  void onLeave(Task t) {
    if (!p.config.shrinkOnLeave || t.stack.directMapped) return;
    int keep = Math.max(p.initialPages(t.kind), KernelStack.pagesFor(t.stack.depth));
    p.pages.unmapBelow(t.stack, keep, t.cpu, true);
  }

  /** {@code shrink on sleep}: pages below a sleeping thread's saved stack pointer go back (Brian Gerst). */
  void onSleep(Task t) {
    if (!p.config.shrinkOnSleep || t.stack.directMapped) return;
    int keep = Math.max(1, KernelStack.pagesFor(t.stack.depth));
    p.pages.unmapBelow(t.stack, keep, t.cpu, true);
  }

  /** At switch-out: {@code reclaim unaccessed} takes back pages whose accessed bit is still clear (Dave Hansen). */
  void onSwitchOut(Task t) {
    if (!p.config.reclaimUnaccessed || !t.alive() || t.stack.directMapped) return;
    int keep = Math.max(1, KernelStack.pagesFor(t.stack.depth));
    p.pages.reclaimUnaccessed(t.stack, keep, t.cpu);
  }

  /**
   * The shrinker (Amlogic drivers/amlogic/memory_ext/vmap_stack.c): for each sleeping thread of the
   * policy with at least PAGE_SIZE + 1 KiB free below its saved stack pointer, the whole pages below
   * it are unmapped, one TLB invalidation per page, and go back to the pool.
   */
  void shrinkSleeping(Task t) {
    KernelStack s = t.stack;
    if (s.directMapped || t.state != Task.State.SLEEPING) return;
    long mappedBytes = 0;
    for (int q = 0; q < s.pages && s.isMapped(q); q++) mappedBytes += Page.SIZE;
    if (mappedBytes - s.depth < Page.SIZE + 1024) return;
    int keep = Math.max(p.initialPages(t.kind), KernelStack.pagesFor(s.depth));
    for (int q = s.pages - 1; q >= keep; q--) if (s.isMapped(q)) p.pages.unmapOne(s, q, t.cpu);
  }
}
