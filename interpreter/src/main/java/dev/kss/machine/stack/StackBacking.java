package dev.kss.machine.stack;

import dev.kss.machine.base.State;
import dev.kss.machine.cost.CostModel.Primitive;
import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.tlb.Invalidate;

/**
 * Where a policy's stacks come from (the {@code backing} setting): the VA and frames a new stack is
 * built from, and how it is freed for good. Pages of a stack not in use yet come from the buddy
 * allocator unless the backing keeps a store of its own (the FreeBSD kstack object's reservations).
 */
abstract sealed class StackBacking permits VmallocBacking, ArenaBacking, ContiguousBacking {
  final Policy p;
  final Kernel k;

  StackBacking(Policy p) {
    this.p = p;
    this.k = p.k;
  }

  static StackBacking of(Policy p, int window) {
    return switch (p.config.backing) {
      case VMALLOC -> new VmallocBacking(p, window);
      case ARENA -> new ArenaBacking(p, window);
      case DIRECT, HEAP -> new ContiguousBacking(p);
    };
  }

  /** The backing's copy for {@code p}, the policy's copy. */
  abstract StackBacking copy(Policy p);

  /** A new stack (VA, and for contiguous stacks its frames), nothing mapped in it yet unless it is contiguous. */
  abstract KernelStack build(int cpu);

  /** Frees the stack for good: pages, page-table entries and VA (vfree, vm_thread_stack_dispose, free_pages). */
  abstract void destroy(KernelStack s, int cpu);

  /**
   * Maps the top {@code n} pages of a new or reused stack that are not mapped yet. As
   * __vmalloc_area_node(): first the page array, lowest address first, then vmap_pages_range(),
   * which allocates any page-table pages it needs on the way.
   */
  void populate(KernelStack s, int n, int cpu) {
    int[] pfns = p.scratchPfns;
    int m = 0;
    for (int q = n - 1; q >= 0; q--) {
      if (s.isMapped(q)) continue;
      pfns[m++] = k.memory.alloc(0, cpu);
      k.charge(Primitive.PAGE_ALLOC);
    }
    int i = 0;
    for (int q = n - 1; q >= 0; q--) if (!s.isMapped(q)) p.pages.mapFrame(s, q, pfns[i++], cpu);
  }

  /** A frame for page {@code page} of {@code s}, from where the backing takes frames. */
  int frame(KernelStack s, int page, int cpu) {
    int pfn = k.memory.alloc(0, cpu);
    k.charge(Primitive.PAGE_ALLOC);
    return pfn;
  }

  /** Takes back the frame of page {@code page} if it belongs to a store of the backing's own; false: the caller frees it. */
  boolean takeBack(KernelStack s, int page, int pfn, int cpu) { return false; }

  /** How unmapped pages of its stacks are invalidated. */
  Invalidate invalidation() { return p.config.invalidate; }

  /** VA held for stacks, guards included. */
  abstract long virtualBytes();

  abstract void state(State s);
}
