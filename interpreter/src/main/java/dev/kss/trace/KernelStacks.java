package dev.kss.trace;

import java.util.HashSet;

/**
 * What the recorded kernel did with its thread stacks, read from its own vmalloc tracepoints: a
 * reference to check a replay against, never an input to the model.
 *
 * <p>A stack vmalloc is an area of THREAD_SIZE plus the guard page vmalloc adds, aligned to
 * THREAD_SIZE (kernel/fork.c alloc_thread_stack_node(): __vmalloc_node(THREAD_SIZE,
 * THREAD_ALIGN, ...); mm/vmalloc.c __get_vm_area_node() adds PAGE_SIZE unless VM_NO_GUARD), and,
 * when call chains were recorded, one reached from copy_process(). THREAD_SIZE is a power of two
 * of at least 16 KiB (x86-64: 16 KiB, 32 KiB with KASAN). A stack free is a
 * free_vmap_area_noflush of such an area; a purge is a purge_vmap_area_lazy.
 */
public final class KernelStacks {
  private static final long PAGE = 4096;
  private final HashSet<Long> live = new HashSet<>();
  private long vmallocs, frees, purges, vmapEvents;

  public void accept(TraceEvent e) {
    switch (e) {
      case TraceEvent.VmapAlloc a -> {
        vmapEvents++;
        if (!a.failed() && isStack(a)) {
          vmallocs++;
          live.add(a.vaStart());
        }
      }
      case TraceEvent.VmapFree f -> {
        vmapEvents++;
        if (live.remove(f.vaStart())) frees++;
      }
      case TraceEvent.Purge p -> { vmapEvents++; purges++; }
      default -> {}
    }
  }

  static boolean isStack(TraceEvent.VmapAlloc a) {
    long stack = a.align();
    boolean shape = stack >= 4 * PAGE && Long.bitCount(stack) == 1 && a.size() == stack + PAGE;
    return shape && (!a.chain() || a.forkPath());
  }

  /** Whether the trace holds vmalloc events at all (otherwise the kernel's figures are unknown). */
  public boolean recorded() { return vmapEvents > 0; }

  public long stackVmallocs() { return vmallocs; }
  public long stackFrees() { return frees; }
  public long purges() { return purges; }

  /** 1 - stack vmallocs / forks: the forks the kernel served from its stack cache. */
  public double forkHitRate(long forks) { return forks == 0 ? 0 : 1.0 - (double) vmallocs / forks; }
}
