package dev.kss.machine.probe;

import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.metrics.Metric;
import dev.kss.machine.op.Op;
import dev.kss.machine.sched.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * What the machine reports as it runs, one method per kind of model event, each with the CPU it
 * happened on, the thread it concerns (the thread of the operation in which it happened, or null
 * for the machine's own work), its simulated start time and its cost in simulated ns (0 for an
 * instant). A listener overrides what it wants; the rest do nothing. With no listener the machine
 * calls {@link #NONE}, whose empty methods the JIT removes: observing costs only when someone listens.
 *
 * <p>A listener observes: it must not change the model. The thread and stack it is handed are the
 * model's own, to read at once.
 */
public interface Probe {
  /** Nobody listens. */
  Probe NONE = new Probe() {};

  /** An operation was applied on {@code cpu} (-1: machine-wide); for a fork, {@code thread} is the new thread. */
  default void op(Op op, int cpu, Task thread, long start, long cost) {}

  /** {@code cpu} switched from {@code prev} to {@code next} (either null: idle). */
  default void contextSwitch(int cpu, Task prev, Task next, long start, long cost) {}

  /** {@code thread} died: it exited, or was killed ({@code why}, as {@link Task#death} says). */
  default void death(int cpu, Task thread, long time, String why) {}

  /** A page fault on unmapped page {@code page} of the thread's own stack. */
  default void fault(int cpu, Task thread, long start, long cost, int page) {}

  /** Page {@code va} of a stack was mapped to frame {@code pfn}, or unmapped from it. */
  default void map(int cpu, Task thread, long start, long cost, long va, int pfn) {}

  default void unmap(int cpu, Task thread, long start, long cost, long va, int pfn) {}

  /** A TLB miss on {@code cpu} walked the page table and filled an entry for {@code va}. */
  default void tlbFill(int cpu, Task thread, long start, long cost, long va) {}

  /** {@code cpu}'s TLB dropped {@code pages} translations ({@code -1}: a full flush). */
  default void tlbFlush(int cpu, Task thread, long start, long cost, int pages) {}

  /** A shootdown round from {@code cpu} to {@code targets} other CPUs, which waits for the last acknowledgement. */
  default void shootdown(int cpu, Task thread, long start, long cost, int targets) {}

  /** An inter-processor interrupt from {@code from} to {@code to}. */
  default void ipi(int from, int to, Task thread, long time) {}

  default void gracePeriodStart(long time) {}

  default void gracePeriodEnd(long time) {}

  /** A free stack went into a stack cache (kept by JS hooks included), came out of one, or did not fit. */
  default void cachePut(int cpu, Task thread, long start, long cost, KernelStack stack) {}

  default void cacheTake(int cpu, Task thread, long start, long cost, KernelStack stack) {}

  default void cacheDrop(int cpu, Task thread, long time, KernelStack stack) {}

  /** {@code cpu}'s page supply got {@code pages} pages back (dynamic_stack_refill_pages). */
  default void supplyRefill(int cpu, Task thread, long start, long cost, int pages) {}

  /** A violation ({@code kind}, a violations.* metric) on {@code cpu}; {@code va} the address involved, or 0. */
  default void violation(int cpu, Task thread, long time, Metric kind, long va) {}

  /** Every one of {@code listeners} hears every event, in order. */
  static Probe all(List<Probe> listeners) {
    List<Probe> ls = new ArrayList<>(listeners);
    ls.removeIf(p -> p == NONE);
    if (ls.isEmpty()) return NONE;
    if (ls.size() == 1) return ls.get(0);
    return new Fanout(ls.toArray(Probe[]::new));
  }
}
