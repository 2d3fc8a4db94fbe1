package dev.kss.machine.stack;

import dev.kss.machine.Kernel;
import dev.kss.machine.cost.CostModel.Primitive;
import dev.kss.machine.mem.KstackArena;
import dev.kss.machine.mem.PageTable;
import dev.kss.machine.mem.Reservations;
import dev.kss.machine.mem.VmallocArea;
import dev.kss.machine.metrics.Counter;
import dev.kss.machine.sched.Cpu;
import dev.kss.machine.sched.Task;
import dev.kss.machine.sched.ThreadKind;
import dev.kss.machine.stack.PolicyConfig.Backing;
import dev.kss.machine.stack.PolicyConfig.CacheKind;
import dev.kss.machine.tlb.Mmu;

/**
 * A stack policy at work: the mechanisms of MODEL.md section 2 composed as its {@link PolicyConfig}
 * says, with allocator state of its own (VA window, stack cache, page supply, reservations), as if
 * it ran in its own kernel over the machine's shared memory, page table and TLBs.
 */
public final class Policy implements java.io.Serializable {
  /** x86-64 direct map (page_offset_base without KASLR): direct and malloc'ed stacks live here. */
  public static final long DIRECT_MAP = 0xffff888000000000L;

  public final String name;
  public final int id;
  public final PolicyConfig config;
  private final Kernel k;
  private final VmallocArea vmalloc;
  private final KstackArena arena;
  private final Reservations reservations;
  private final PerCpuStackCache cache;
  private final PageSupply supply;
  private final long[] scratch;
  private final int[] scratchPfns, scratchPages;
  private long directBytes;
  /** Decisions handed to code outside the model (a JS policy), or null: the built-in mechanisms only. */
  private PolicyHooks hooks;

  public Policy(String name, int id, PolicyConfig config, Kernel kernel, int window) {
    this.name = name;
    this.id = id;
    this.config = config;
    this.k = kernel;
    int cpus = kernel.cpus.length;
    boolean direct = config.backing == Backing.DIRECT || config.backing == Backing.HEAP;
    int guard = direct ? 0 : config.guardPages;
    this.vmalloc = config.backing == Backing.VMALLOC
        ? new VmallocArea(window, config.size, guard, direct ? 0 : config.guardAbove, kernel.config.pageSize, cpus) : null;
    this.arena = config.backing == Backing.ARENA
        ? new KstackArena(window, config.stackPages(), guard, config.pindex == PolicyConfig.Pindex.CONTIGUOUS, config.arenaStart) : null;
    this.reservations = arena != null ? new Reservations(kernel.memory) : null;
    this.cache = config.cache == CacheKind.NONE || config.cacheSize == 0 ? null
        : new PerCpuStackCache(config.cache, config.cacheSize, cpus);
    this.supply = config.supplyPerCpu > 0 ? new PageSupply(config.supplyPerCpu, config.supplyGlobal ? 1 : cpus) : null;
    this.scratch = new long[config.stackPages()];
    this.scratchPfns = new int[config.stackPages()];
    this.scratchPages = new int[config.stackPages()];
    kernel.metrics.addScope(id);
  }

  /** Hands this policy's decisions to {@code h} (dev.kss.js); its hooks that decline fall back to the mechanisms below. */
  public void attach(PolicyHooks h) { this.hooks = h; }

  public PolicyHooks hooks() { return hooks; }

  /** Whether a stack of this policy has a guard below it (direct and malloc'ed stacks never do). */
  public boolean hasGuard() {
    return config.guardPages > 0 && config.backing != Backing.DIRECT && config.backing != Backing.HEAP;
  }

  // ---------------------------------------------------------------- allocation and release

  /** alloc_thread_stack_node(): a stack for {@code t}, from the cache or newly built, populated as configured. */
  public KernelStack allocate(Task t, int cpu) {
    k.metrics.inc(id, Counter.ALLOC_COUNT);
    KernelStack kept = hooks != null ? hooks.allocate(t, cpu) : null;
    if (kept != null || cache != null) {
      k.charge(Primitive.CACHE_OP);
      KernelStack s = kept != null ? kept : cache.take(cpu);
      if (s != null) {
        k.metrics.inc(id, Counter.CACHE_HITS);
        k.metrics.add(id, Counter.CACHED_PAGES, -s.mappedCount());
        k.metrics.add(id, Counter.RESIDENT_PAGES, s.mappedCount());
        s.live = true;
        if (config.zeroOnReuse) k.chargeZeroing(s.mappedCount());
        populate(s, t.kind, cpu);
        return s;
      }
      k.metrics.inc(id, Counter.CACHE_MISSES);
    }
    k.metrics.inc(id, Counter.ALLOC_SLOW);
    KernelStack s = build(cpu);
    populate(s, t.kind, cpu);
    return s;
  }

  private KernelStack build(int cpu) {
    int pages = config.stackPages();
    switch (config.backing) {
      case VMALLOC -> {
        k.charge(Primitive.VMAP_AREA);
        int slot = vmalloc.alloc();
        return new KernelStack(this, vmalloc.slotVa(slot) + config.size, pages, slot, 0, false);
      }
      case ARENA -> {
        long lin = arena.alloc();
        return new KernelStack(this, arena.top(lin), pages, lin, arena.pindexBase(lin), false);
      }
      default -> {
        // Physically contiguous: one buddy block (order-2 for 16 KiB, THREAD_SIZE_ORDER).
        int order = 32 - Integer.numberOfLeadingZeros(pages - 1);
        int pfn = k.memory.alloc(order, cpu);
        k.charge(Primitive.PAGE_ALLOC);
        directBytes += (long) pages * 4096;
        if (config.zeroNew) k.chargeZeroing(pages);
        KernelStack s = new KernelStack(this, DIRECT_MAP + ((long) pfn + pages) * 4096, pages, pfn, 0, true);
        k.metrics.add(id, Counter.RESIDENT_PAGES, pages);
        return s;
      }
    }
  }

  /** Pages mapped when a stack is created for a thread of {@code kind}. */
  public int initialPages(ThreadKind kind) {
    int n = kind == ThreadKind.KERNEL ? config.populateKernel : config.populateUser;
    return n == PolicyConfig.POPULATE_ALL ? config.stackPages() : Math.min(n, config.stackPages());
  }

  private void populate(KernelStack s, ThreadKind kind, int cpu) {
    if (s.directMapped) return;
    int n = initialPages(kind);
    if (arena != null) {
      for (int p = n - 1; p >= 0; p--) if (!s.isMapped(p)) mapPage(s, p, cpu, false);
      return;
    }
    // __vmalloc_area_node(): first the page array, lowest address first, then vmap_pages_range(),
    // which allocates any page-table pages it needs on the way.
    int[] pfns = scratchPfns;
    int m = 0;
    for (int p = n - 1; p >= 0; p--) {
      if (s.isMapped(p)) continue;
      pfns[m++] = k.memory.alloc(0, cpu);
      k.charge(Primitive.PAGE_ALLOC);
    }
    int i = 0;
    for (int p = n - 1; p >= 0; p--) if (!s.isMapped(p)) mapFrame(s, p, pfns[i++], cpu);
  }

  /**
   * The dead thread's stack is released: back into the cache if there is room, else freed.
   * Returns false when the cache was full (the caller may defer the free past RCU instead).
   */
  public boolean tryCache(KernelStack s, int cpu) {
    if (hooks != null && hooks.release(s, cpu)) return true;
    if (cache == null) return false;
    k.charge(Primitive.CACHE_OP);
    // A cached stack of a growing policy goes back to its smallest initial population, so that a
    // reused stack looks like a new one (our choice; the RFC does not say).
    int keep = Math.min(initialPages(ThreadKind.USER), initialPages(ThreadKind.KERNEL));
    if (!s.directMapped && keep < config.stackPages()) unmapBelow(s, keep, k.cpus[cpu], false);
    if (!cache.put(s, cpu)) {
      k.metrics.inc(id, Counter.CACHE_DROPPED);
      return false;
    }
    k.metrics.add(id, Counter.CACHED_PAGES, s.mappedCount());
    return true;
  }

  /** Frees the stack for good: pages, page-table entries and VA (vfree, vm_thread_stack_dispose, free_pages). */
  public void destroy(KernelStack s, int cpu) {
    Cpu c = k.cpus[cpu];
    switch (config.backing) {
      case VMALLOC -> {
        // vfree(): PTEs cleared without a flush, pages freed at once, the VA held until a purge.
        k.charge(Primitive.VUNMAP_AREA);
        for (int p = 0; p < s.pages; p++) if (s.isMapped(p)) freeFrame(s, p, unmap(s, p), cpu, false);
        int slot = (int) s.handle;
        if (!config.vfreeLazy) {
          long[] vas = scratch;
          for (int p = 0; p < s.pages; p++) vas[p] = s.pageVa(p);
          k.mmu.invalidate(c, vas, s.pages, PolicyConfig.Invalidate.BROADCAST, id);
          vmalloc.freeEager(slot);
        } else if (vmalloc.freeLazy(slot)) {
          // lazy_max_pages exceeded: __purge_vmap_area_lazy, one flush_tlb_kernel_range for all.
          k.metrics.inc(id, Counter.TLB_PURGES);
          k.mmu.flushAllCpus(id);
          vmalloc.purge();
        }
      }
      case ARENA -> {
        // pmap_qremove (an invalidation on every CPU), then the pages back to the object.
        unmapBelow(s, 0, c, false);
        arena.free(s.handle);
      }
      default -> {
        int order = 32 - Integer.numberOfLeadingZeros(s.pages - 1);
        k.memory.free((int) s.handle, order, cpu);
        k.charge(Primitive.PAGE_FREE);
        directBytes -= (long) s.pages * 4096;
      }
    }
  }

  /** The thread died: its stack's pages stop counting as resident (exit_task_stack_account). */
  public void retire(KernelStack s) {
    k.metrics.add(id, Counter.RESIDENT_PAGES, -s.mappedCount());
    s.live = false;
  }

  // ---------------------------------------------------------------- mapping pages

  /** Maps page {@code p} of a live thread's stack; {@code atomic}: the frame must come from the per-CPU supply. */
  void mapPage(KernelStack s, int p, int cpu, boolean atomic) {
    int pfn;
    if (arena != null) {
      long pindex = s.pindexBase + (s.pages - 1 - p);
      if (reservations.needsNewReservation(pindex)) k.charge(Primitive.RESERV_ALLOC);
      pfn = reservations.allocPage(pindex, cpu);
      k.charge(Primitive.PAGE_ALLOC);
    } else if (supply != null && atomic) {
      pfn = takeFromSupply(cpu);
    } else {
      pfn = k.memory.alloc(0, cpu);
      k.charge(Primitive.PAGE_ALLOC);
    }
    mapFrame(s, p, pfn, cpu);
  }

  private void mapFrame(KernelStack s, int p, int pfn, int cpu) {
    if (config.zeroNew) k.chargeZeroing(1);
    k.pageTable.map(s.pageVa(p), pfn, id, cpu);
    k.charge(Primitive.PTE_SET);
    s.setMapped(p, true);
    if (s.live) k.metrics.add(id, Counter.RESIDENT_PAGES, 1);
  }

  private int unmap(KernelStack s, int p) {
    int pfn = k.pageTable.unmap(s.pageVa(p));
    k.charge(Primitive.PTE_SET);
    s.setMapped(p, false);
    if (s.live) k.metrics.add(id, Counter.RESIDENT_PAGES, -1);
    return pfn;
  }

  private void freeFrame(KernelStack s, int p, int pfn, int cpu, boolean toSupply) {
    if (arena != null) reservations.freePage(s.pindexBase + (s.pages - 1 - p), cpu);
    else if (toSupply && supply != null && giveToSupply(cpu, pfn)) return;
    else {
      k.memory.free(pfn, 0, cpu);
      k.charge(Primitive.PAGE_FREE);
    }
  }

  /**
   * Unmaps every mapped page from {@code first} down, invalidates the TLBs as the policy says, then
   * frees the frames (to the supply when {@code toSupply}). Returns the number of pages unmapped.
   */
  int unmapBelow(KernelStack s, int first, Cpu cpu, boolean toSupply) {
    return unmapPages(s, first, cpu, toSupply, false);
  }

  /** Only the pages whose accessed bit is still clear (reclaim of never-accessed pages). */
  int reclaimUnaccessed(KernelStack s, int first, Cpu cpu) {
    return unmapPages(s, first, cpu, true, true);
  }

  private int unmapPages(KernelStack s, int first, Cpu cpu, boolean toSupply, boolean onlyUnaccessed) {
    int n = 0;
    long[] vas = scratch;
    int[] pfns = scratchPfns, pages = scratchPages;
    for (int p = first; p < s.pages; p++) {
      if (!s.isMapped(p)) continue;
      if (onlyUnaccessed && PageTable.accessed(k.pageTable.pte(s.pageVa(p)))) continue;
      vas[n] = s.pageVa(p);
      pages[n] = p;
      pfns[n++] = unmap(s, p);
    }
    if (n == 0) return 0;
    // FreeBSD's pmap_qremove always invalidates on every CPU.
    k.mmu.invalidate(cpu, vas, n, arena != null ? PolicyConfig.Invalidate.BROADCAST : config.invalidate, id);
    for (int i = 0; i < n; i++) freeFrame(s, pages[i], pfns[i], cpu.id, toSupply);
    return n;
  }

  // ---------------------------------------------------------------- the per-CPU supply

  /** The supply a CPU draws from: its own, or the one global pool. */
  private int slot(int cpu) { return config.supplyGlobal ? 0 : cpu; }

  private void ensureSupply(int cpu) {
    cpu = slot(cpu);
    if (!supply.initialized(cpu)) {
      supply.init(cpu);
      refillSupply(cpu);
    }
  }

  /** dynamic_stack_refill_pages() at context switch. */
  public void refillSupply(int cpu) {
    if (supply == null) return;
    int node = cpu;
    cpu = slot(cpu);
    if (!supply.initialized(cpu)) supply.init(cpu);
    int missing = supply.missing(cpu);
    for (int i = 0; i < missing; i++) {
      supply.push(cpu, k.memory.alloc(0, node));
      k.charge(Primitive.PAGE_ALLOC);
    }
    k.metrics.add(id, Counter.SUPPLY_PAGES, missing);
  }

  private int takeFromSupply(int cpu) {
    ensureSupply(cpu);
    int pfn = supply.take(slot(cpu));
    if (pfn >= 0) {
      k.metrics.add(id, Counter.SUPPLY_PAGES, -1);
      return pfn;
    }
    // The RFC panics here (pr_emerg, then a guard-page-style oops); we count it and carry on.
    k.metrics.inc(id, Counter.SUPPLY_EXHAUSTED);
    k.charge(Primitive.PAGE_ALLOC);
    return k.memory.alloc(0, cpu);
  }

  private boolean giveToSupply(int cpu, int pfn) {
    ensureSupply(cpu);
    cpu = slot(cpu);
    if (supply.missing(cpu) == 0) return false;
    supply.push(cpu, pfn);
    k.metrics.add(id, Counter.SUPPLY_PAGES, 1);
    return true;
  }

  // ---------------------------------------------------------------- what the thread does

  /** The stack's thread touches page {@code p} on its CPU; returns false if the thread died of it. */
  public boolean touchOwn(Task t, int p, Machinery m) {
    KernelStack s = t.stack;
    if (s.directMapped) return true;
    Cpu cpu = k.cpus[t.cpu];
    Mmu.Access a = k.mmu.access(cpu, s.pageVa(p), id);
    if (a != Mmu.Access.NOT_MAPPED) return true;
    if (!stackFault(t, p, m)) return false;
    k.mmu.access(cpu, s.pageVa(p), id);
    return true;
  }

  /**
   * A stack page fault on {@code t}'s own stack (MODEL.md section 1). Without growth on fault the
   * unmapped page works as a guard page: the thread is killed. Without a separate fault stack the
   * #PF cannot push its frame: a double fault. A handler that may sleep, entered with preemption
   * or IRQs off, is OSv's assertion in page_fault(). Pages are mapped from the hole's end down to
   * the fault (RFC patch 10/14: there are never two holes), at least {@code fault_around} of them.
   */
  private boolean stackFault(Task t, int p, Machinery m) {
    KernelStack s = t.stack;
    k.metrics.inc(id, Counter.FAULTS_STACK);
    k.charge(Primitive.STACK_FAULT);
    boolean handled = hooks != null && hooks.fault(t, p);
    if (!handled && !config.growOnFault) {
      k.metrics.inc(id, Counter.OVERFLOW);
      m.kill(t, "was killed: it touched unmapped page " + p + " of its stack, which this policy never maps on a fault");
      return false;
    }
    if (config.faultStack == PolicyConfig.FaultStack.NONE) k.metrics.inc(id, Counter.DOUBLE_FAULT);
    if (t.atomic() && config.faultMaySleep) k.metrics.inc(id, Counter.ATOMIC_FAULT);
    if (handled) return true;
    boolean fromSupply = supply != null;
    int last = Math.min(s.pages - 1, p + config.faultAround - 1);
    for (int q = 0; q <= last; q++) if (!s.isMapped(q)) mapPage(s, q, t.cpu, fromSupply);
    return true;
  }

  /** Kernel entry maps the top {@code grow on enter to} bytes (Tatashin's enter_from_user_mode variant). */
  public void onEnter(Task t) {
    if (hooks != null && hooks.enter(t)) return;
    if (config.growOnEnterTo == 0 || t.stack.directMapped) return;
    int n = Math.min(t.stack.pages, KernelStack.pagesFor(config.growOnEnterTo));
    for (int p = 0; p < n; p++) if (!t.stack.isMapped(p)) mapPage(t.stack, p, t.cpu, true);
  }

  /** Kernel exit gives back what entry and faults added ({@code shrink on leave}). */
  public void onLeave(Task t) {
    if (hooks != null && hooks.leave(t)) return;
    if (!config.shrinkOnLeave || t.stack.directMapped) return;
    int keep = Math.max(initialPages(t.kind), KernelStack.pagesFor(t.stack.depth));
    unmapBelow(t.stack, keep, k.cpus[t.cpu], true);
  }

  /** {@code shrink on sleep}: pages below a sleeping thread's saved stack pointer go back (Brian Gerst). */
  public void onSleep(Task t) {
    if (hooks != null && hooks.sleep(t)) return;
    if (!config.shrinkOnSleep || t.stack.directMapped) return;
    int keep = Math.max(1, KernelStack.pagesFor(t.stack.depth));
    unmapBelow(t.stack, keep, k.cpus[t.cpu], true);
  }

  /** At switch-out: {@code reclaim unaccessed} takes back pages whose accessed bit is still clear (Dave Hansen). */
  public void onSwitchOut(Task t) {
    if (hooks != null && t.alive() && hooks.switchOut(t, t.cpu)) return;
    if (!config.reclaimUnaccessed || !t.alive() || t.stack.directMapped) return;
    int keep = Math.max(1, KernelStack.pagesFor(t.stack.depth));
    reclaimUnaccessed(t.stack, keep, k.cpus[t.cpu]);
  }

  /**
   * {@code grow on switch}: before a thread is switched in, its whole stack is mapped again from the
   * per-CPU supply, since the switch path cannot sleep (Brian Gerst's proposal and Pasha's answer).
   */
  public void onSwitchIn(Task t, int cpu) {
    if (hooks != null && hooks.switchIn(t, cpu)) return;
    if (!config.growOnSwitch || t.stack.directMapped) return;
    for (int p = 0; p < t.stack.pages; p++) if (!t.stack.isMapped(p)) mapPage(t.stack, p, cpu, true);
  }

  /**
   * {@code ensure T SIZE}: room for SIZE more bytes below the current depth. With growth on ensure
   * the pages are mapped now (may sleep); otherwise it succeeds only if they are mapped or can be
   * faulted in. Refused when the stack is too small.
   */
  public void ensure(Task t, long bytes) {
    KernelStack s = t.stack;
    int need = KernelStack.pagesFor(s.depth + bytes);
    if (config.ensureBySegment && need > s.pages) {
      expandBySegment(t, need - s.pages);
      return;
    }
    if (need > s.pages) { k.metrics.inc(id, Counter.ENSURE_FAILED); return; }
    if (s.directMapped) return;
    if (config.growOnEnsure) {
      for (int p = 0; p < need; p++) if (!s.isMapped(p)) mapPage(s, p, t.cpu, false);
      return;
    }
    if (!config.growOnFault) for (int p = 0; p < need; p++) if (!s.isMapped(p)) {
      k.metrics.inc(id, Counter.ENSURE_FAILED);
      return;
    }
  }

  /** Largest expansion KeExpandKernelStackAndCallout grants (MAXIMUM_EXPANSION_SIZE; our figure: 64 KiB). */
  static final int MAX_SEGMENT_PAGES = 16;

  /**
   * KeExpandKernelStackAndCallout(Ex): when the stack has less than the guaranteed room, the callout
   * runs on "a new kernel stack segment" (learn.microsoft.com ntddk KeExpandKernelStackAndCallout).
   * Its frames count as resident until the callout returns (depth back within the stack) or the
   * thread leaves the kernel.
   */
  private void expandBySegment(Task t, int pages) {
    if (t.segment.length >= pages) return;
    if (pages > MAX_SEGMENT_PAGES) { k.metrics.inc(id, Counter.ENSURE_FAILED); return; }
    releaseSegment(t);
    k.charge(Primitive.VMAP_AREA);
    t.segment = new int[pages];
    for (int i = 0; i < pages; i++) {
      t.segment[i] = k.memory.alloc(0, t.cpu);
      k.charge(Primitive.PAGE_ALLOC);
    }
    k.metrics.add(id, Counter.RESIDENT_PAGES, pages);
  }

  /** The callout returned: its segment goes back. */
  public void releaseSegment(Task t) {
    if (t.segment.length == 0) return;
    for (int pfn : t.segment) {
      k.memory.free(pfn, 0, t.cpu);
      k.charge(Primitive.PAGE_FREE);
    }
    if (t.alive()) k.metrics.add(id, Counter.RESIDENT_PAGES, -t.segment.length);
    t.segment = Task.NO_SEGMENT;
  }

  /**
   * The shrinker (Amlogic drivers/amlogic/memory_ext/vmap_stack.c): for each sleeping thread of the
   * policy with at least PAGE_SIZE + 1 KiB free below its saved stack pointer, the whole pages below
   * it are unmapped, one TLB invalidation per page, and go back to the pool.
   */
  /** The periodic reclaim pass of the hooks; false: the built-in shrinker runs ({@link #shrinkSleeping}). */
  public boolean reclaim() { return hooks != null && hooks.reclaim(); }

  public void shrinkSleeping(Task t) {
    KernelStack s = t.stack;
    if (s.directMapped || t.state != Task.State.SLEEPING) return;
    long mappedBytes = 0;
    for (int p = 0; p < s.pages && s.isMapped(p); p++) mappedBytes += 4096;
    if (mappedBytes - s.depth < 4096 + 1024) return;
    int keep = Math.max(initialPages(t.kind), KernelStack.pagesFor(s.depth));
    for (int p = s.pages - 1; p >= keep; p--) {
      if (!s.isMapped(p)) continue;
      long[] va = scratch;
      va[0] = s.pageVa(p);
      int pfn = unmap(s, p);
      k.mmu.invalidate(k.cpus[t.cpu], va, 1, config.invalidate, id);
      freeFrame(s, p, pfn, t.cpu, true);
    }
  }

  /** The pre-fault touches before preempt_disable / irq_disable (OSv issue #143, commits of Aug 2022). */
  public void prefault(Task t, Machinery m) {
    PolicyConfig.Prefault mode = config.prefault;
    if (mode == PolicyConfig.Prefault.NONE) return;
    if (mode == PolicyConfig.Prefault.COUNTER && t.atomic()) return;   // only at the outermost disable
    int touches = mode == PolicyConfig.Prefault.NEXT_TWO_PAGES ? 2 : 1;
    for (int i = 1; i <= touches && t.alive(); i++) {
      k.metrics.inc(id, Counter.PREFAULTS);
      int p = KernelStack.pageOf(t.stack.depth + (long) i * 4096);
      m.touchPage(t, p);
    }
  }

  // ---------------------------------------------------------------- figures

  public long virtualBytes() {
    if (vmalloc != null) return vmalloc.reservedBytes();
    if (arena != null) return arena.reservedBytes();
    return directBytes;
  }

  /** Pages in supply slot {@code i} (a CPU's, or with a global pool, slot 0 only). */
  public int supplyCount(int i) {
    if (supply == null || (config.supplyGlobal && i > 0) || !supply.initialized(i)) return 0;
    return supply.count(i);
  }

  public int supplyPage(int cpu, int i) { return supply.pageAt(cpu, i); }

  public Reservations reservations() { return reservations; }

  public VmallocArea vmalloc() { return vmalloc; }

  public int cachedStacks() {
    int[] n = {cache == null ? 0 : cache.count()};
    if (hooks != null) hooks.forEachHeld((cpu, s) -> n[0]++);
    return n[0];
  }

  /** The free stacks kept for reuse: in the stack cache, and by the hooks. */
  public void forEachCached(java.util.function.BiConsumer<Integer, KernelStack> v) {
    if (cache != null) cache.forEach(v);
    if (hooks != null) hooks.forEachHeld(v);
  }

  @Override public String toString() { return name; }

  /** What the policy needs back from the machine while a thread runs. */
  public interface Machinery extends java.io.Serializable {
    void kill(Task t, String why);

    /** The thread touches page {@code p} of its stack, the guard included. */
    boolean touchPage(Task t, int p);
  }
}
