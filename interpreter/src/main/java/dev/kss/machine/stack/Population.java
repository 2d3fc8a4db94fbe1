package dev.kss.machine.stack;

import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.sched.ThreadKind;

/** {@code populate}: what is mapped when a stack is created or reused, per kind of thread (all, none, or the top N pages). */
final class Population {
  private final Policy p;

  Population(Policy p) { this.p = p; }

  /** Pages mapped when a stack is created for a thread of {@code kind}. */
  int initialPages(ThreadKind kind) {
    PolicyConfig c = p.config;
    int n = kind == ThreadKind.KERNEL ? c.populateKernel : c.populateUser;
    return n == PolicyConfig.POPULATE_ALL ? c.stackPages() : Math.min(n, c.stackPages());
  }

  void populate(KernelStack s, ThreadKind kind, int cpu) {
    if (s.directMapped) return;
    p.backing.populate(s, initialPages(kind), cpu);
  }
}
