package dev.kss.machine.stack;

import dev.kss.machine.base.Copier;
import dev.kss.machine.base.State;
import dev.kss.machine.mem.KernelStack;
import java.util.ArrayDeque;
import java.util.function.BiConsumer;

/**
 * A cache of whole free stacks. Per CPU: Linux's {@code cached_stacks[NR_CACHED_STACKS = 2]}
 * (kernel/fork.c; taken with this_cpu_xchg, returned with a cmpxchg into an empty slot). Global:
 * FreeBSD's {@code kstack_cache} UMA zone cache, {@code max(128, 4 * ncpus)} stacks (vm_glue.c).
 */
final class StackCache {
  private final KernelStack[][] perCpu;
  private final ArrayDeque<KernelStack> global;
  private final int size;
  private int count;

  StackCache(PolicyConfig.CacheKind kind, int size, int cpus) {
    this.size = size;
    this.perCpu = kind == PolicyConfig.CacheKind.PER_CPU ? new KernelStack[cpus][] : null;
    this.global = kind == PolicyConfig.CacheKind.GLOBAL ? new ArrayDeque<>() : null;
  }

  private StackCache(StackCache o, Copier c) {
    size = o.size;
    count = o.count;
    if (o.perCpu != null) {
      perCpu = new KernelStack[o.perCpu.length][];
      for (int i = 0; i < perCpu.length; i++) {
        if (o.perCpu[i] == null) continue;
        perCpu[i] = new KernelStack[o.perCpu[i].length];
        for (int j = 0; j < perCpu[i].length; j++) perCpu[i][j] = KernelStack.copy(o.perCpu[i][j], c);
      }
    } else perCpu = null;
    if (o.global != null) {
      global = new ArrayDeque<>(o.global.size());
      for (KernelStack s : o.global) global.addLast(KernelStack.copy(s, c));
    } else global = null;
  }

  StackCache copy(Copier c) { return new StackCache(this, c); }

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

  /** Visits the cached stacks (CPU order, then slot order; global: oldest first, CPU -1). */
  void forEach(BiConsumer<Integer, KernelStack> v) {
    if (global != null) { for (KernelStack s : global) v.accept(-1, s); return; }
    for (int c = 0; c < perCpu.length; c++) {
      if (perCpu[c] == null) continue;
      for (KernelStack s : perCpu[c]) if (s != null) v.accept(c, s);
    }
  }

  /** Which stack sits where, and each stack's own state (a stack's address is unique). */
  void state(State s) {
    s.put(count);
    forEach((cpu, st) -> { s.put(cpu); st.state(s); });
    if (perCpu != null) for (KernelStack[] slots : perCpu) if (slots != null) for (KernelStack st : slots) s.put(st == null ? 0 : st.top);
  }
}
