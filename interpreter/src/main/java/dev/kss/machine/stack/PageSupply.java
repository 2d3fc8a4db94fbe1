package dev.kss.machine.stack;

/**
 * Pages reserved per CPU for stack faults that must not sleep, refilled at context switch: the
 * Dynamic Kernel Stacks RFC's per-CPU {@code dynamic_stack_pages[3]}, refilled by
 * {@code dynamic_stack_refill_pages()} from {@code __schedule()} (RFC v1 patch 10/14). In the
 * enter/leave variant the same per-CPU pages are the page cache that kernel entry maps from and
 * exit gives back to (Tatashin, 16 March 2024).
 */
final class PageSupply implements java.io.Serializable {
  private final int capacity;
  private final int[][] pages;
  private final int[] count;

  PageSupply(int capacity, int cpus) {
    this.capacity = capacity;
    this.pages = new int[cpus][];
    this.count = new int[cpus];
  }

  boolean initialized(int cpu) { return pages[cpu] != null; }

  void init(int cpu) { pages[cpu] = new int[capacity]; }

  int missing(int cpu) { return capacity - count[cpu]; }

  void push(int cpu, int pfn) { pages[cpu][count[cpu]++] = pfn; }

  /** A page, or -1 when the supply is empty. */
  int take(int cpu) { return count[cpu] == 0 ? -1 : pages[cpu][--count[cpu]]; }

  int count(int cpu) { return count[cpu]; }

  int pageAt(int cpu, int i) { return pages[cpu][i]; }
}
