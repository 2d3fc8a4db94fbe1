package dev.kss.machine.stack;

import java.util.ArrayDeque;

/**
 * A cache of whole free stacks. Per CPU: Linux's {@code cached_stacks[NR_CACHED_STACKS = 2]}
 * (kernel/fork.c; taken with this_cpu_xchg, returned with a cmpxchg into an empty slot). Global:
 * FreeBSD's {@code kstack_cache} UMA zone cache, {@code max(128, 4 * ncpus)} stacks (vm_glue.c).
 */
final class PerCpuStackCache implements java.io.Serializable {
  private final KernelStack[][] perCpu;
  private final ArrayDeque<KernelStack> global;
  private final int size;
  private int count;

  PerCpuStackCache(PolicyConfig.CacheKind kind, int size, int cpus) {
    this.size = size;
    this.perCpu = kind == PolicyConfig.CacheKind.PER_CPU ? new KernelStack[cpus][] : null;
    this.global = kind == PolicyConfig.CacheKind.GLOBAL ? new ArrayDeque<>() : null;
  }

  /** A cached stack for {@code cpu}, or null. */
  KernelStack take(int cpu) {
    KernelStack s = null;
    if (global != null) s = global.pollLast();
    else {
      KernelStack[] slots = perCpu[cpu];
      if (slots != null) {
        for (int i = 0; i < slots.length && s == null; i++) {
          s = slots[i];
          slots[i] = null;
        }
      }
    }
    if (s != null) count--;
    return s;
  }

  /** Keeps {@code s} if there is room; false when the cache is full. */
  boolean put(KernelStack s, int cpu) {
    if (global != null) {
      if (global.size() >= size) return false;
      global.addLast(s);
      count++;
      return true;
    }
    KernelStack[] slots = perCpu[cpu];
    if (slots == null) slots = perCpu[cpu] = new KernelStack[size];
    for (int i = 0; i < slots.length; i++) {
      if (slots[i] == null) {
        slots[i] = s;
        count++;
        return true;
      }
    }
    return false;
  }

  int count() { return count; }

  /** Visits the cached stacks (CPU order, then slot order; global: oldest first). */
  void forEach(java.util.function.BiConsumer<Integer, KernelStack> v) {
    if (global != null) { for (KernelStack s : global) v.accept(-1, s); return; }
    for (int c = 0; c < perCpu.length; c++) {
      if (perCpu[c] == null) continue;
      for (KernelStack s : perCpu[c]) if (s != null) v.accept(c, s);
    }
  }
}
