package dev.kss.machine.stack;

import dev.kss.machine.base.Copier;
import dev.kss.machine.base.State;
import dev.kss.machine.cost.CostModel.Primitive;
import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.mem.PageTable;
import dev.kss.machine.mem.Reservations;
import dev.kss.machine.mem.VmallocArea;
import dev.kss.machine.metrics.Metric;
import dev.kss.machine.sched.Task;
import dev.kss.machine.sched.ThreadKind;
import java.util.function.BiConsumer;

/**
 * A stack policy at work: the mechanisms of its {@link PolicyConfig} composed, with allocator state
 * of its own (backing, stack cache, page supply), as if it ran in its own kernel over the machine's
 * shared memory, page table and TLBs. Each mechanism is a class of its own: {@link StackBacking}
 * (where stacks come from), {@link Population} (what is mapped at creation), {@link StackCache},
 * {@link PageSupply}, {@link Growth} (faults, growth on entry, switch and ensure), {@link Shrinking},
 * {@link Prefault}, {@link StackSegment}, and {@link Release} (when a dead thread's stack goes).
 *
 * <p>Hooks ({@link PolicyHooks}, a JS policy) are asked first at each hook point; the mechanisms
 * run when they decline.
 */
public final class Policy {
  public final String name;
  public final int id;
  public final PolicyConfig config;
  final Kernel k;
  final StackBacking backing;
  final StackCache cache;
  final PageSupply supply;
  final Pages pages;
  final Population population;
  final Growth growth;
  final Shrinking shrinking;
  final Prefault prefault;
  final StackSegment segment;
  final StackAccess access;
  final long[] scratch;
  final int[] scratchPfns, scratchPages;
  /** Decisions handed to code outside the model (a JS policy), or null: the built-in mechanisms only. */
  private PolicyHooks hooks;
  /** Whether the switch-time mechanisms run at all: read from the config once, tested on every context switch. */
  private final boolean growsOnSwitch, reclaimsOnSwitch;

  Policy(String name, int id, PolicyConfig config, Kernel k, int window) {
    this.name = name;
    this.id = id;
    this.config = config.copy();
    this.k = k;
    this.cache = config.cache == PolicyConfig.CacheKind.NONE || config.cacheSize == 0 ? null
        : new StackCache(config.cache, config.cacheSize, k.cpus());
    this.supply = config.supplyPerCpu > 0 ? new PageSupply(this) : null;
    this.scratch = new long[config.stackPages()];
    this.scratchPfns = new int[config.stackPages()];
    this.scratchPages = new int[config.stackPages()];
    this.pages = new Pages(this);
    this.backing = StackBacking.of(this, window);
    this.population = new Population(this);
    this.growth = new Growth(this);
    this.shrinking = new Shrinking(this);
    this.prefault = new Prefault(this);
    this.segment = new StackSegment(this);
    this.access = new StackAccess(this);
    this.growsOnSwitch = this.config.growOnSwitch;
    this.reclaimsOnSwitch = this.config.reclaimUnaccessed;
    k.metrics.addScope(id);
  }

  private Policy(Policy o, Kernel k, Copier c) {
    name = o.name;
    id = o.id;
    config = o.config;
    this.k = k;
    cache = o.cache == null ? null : o.cache.copy(c);
    supply = o.supply == null ? null : o.supply.copy(this);
    scratch = new long[o.scratch.length];
    scratchPfns = new int[o.scratchPfns.length];
    scratchPages = new int[o.scratchPages.length];
    pages = new Pages(this);
    backing = o.backing.copy(this);
    population = new Population(this);
    growth = new Growth(this);
    shrinking = new Shrinking(this);
    prefault = new Prefault(this);
    segment = new StackSegment(this);
    access = new StackAccess(this);
    growsOnSwitch = o.growsOnSwitch;
    reclaimsOnSwitch = o.reclaimsOnSwitch;
    hooks = o.hooks == null ? null : o.hooks.copy(this, c);
  }

  /** This policy's copy in {@code k}, the kernel being copied. */
  Policy copy(Kernel k, Copier c) { return new Policy(this, k, c); }

  /** Hands this policy's decisions to {@code h} (dev.kss.js); its hooks that decline fall back to the mechanisms. */
  public void attach(PolicyHooks h) { this.hooks = h; }

  public PolicyHooks hooks() { return hooks; }

  /** The kernel it runs over (for hooks). */
  public Kernel kernel() { return k; }

  /**
   * Whether a cached stack's pages lie on another NUMA node than {@code cpu}: Mateusz Guzik (LKML,
   * November 2025, "fork: stop ignoring NUMA while handling cached thread stacks") found the
   * per-CPU stack cache handing a CPU stacks freed on, and allocated from, another node.
   */
  private boolean remote(KernelStack s, int cpu) {
    if (s.directMapped || k.memory.nodes() < 2) return false;
    for (int q = 0; q < s.pages; q++) {
      if (!s.isMapped(q)) continue;
      long pte = k.pageTable.pte(s.pageVa(q));
      return PageTable.present(pte) && k.memory.nodeOfFrame(PageTable.pfn(pte)) != k.memory.nodeOf(cpu);
    }
    return false;
  }

  /** Whether a stack of this policy has a guard below it (direct and malloc'ed stacks never do). */
  public boolean hasGuard() {
    return config.guardPages > 0 && config.backing != PolicyConfig.Backing.DIRECT && config.backing != PolicyConfig.Backing.HEAP;
  }

  // ---------------------------------------------------------------- allocation and release

  /** alloc_thread_stack_node(): a stack for {@code t}, from the cache or newly built, populated as configured. */
  public KernelStack allocate(Task t, int cpu) {
    k.metrics.inc(id, Metric.ALLOC_COUNT);
    KernelStack kept = hooks != null ? hooks.allocate(t, cpu) : null;
    if (kept != null || cache != null) {
      long start = k.probeStart();
      k.charge(Primitive.CACHE_OP);
      KernelStack s = kept != null ? kept : cache.take(cpu);
      if (s != null) {
        k.metrics.inc(id, Metric.CACHE_HITS);
        if (remote(s, cpu)) k.metrics.inc(id, Metric.CACHE_REMOTE);
        k.metrics.add(id, Metric.STACKS_CACHED, -s.mappedCount());
        k.metrics.add(id, Metric.STACKS_RESIDENT, s.mappedCount());
        s.setLive(true);
        if (config.zeroOnReuse) k.clock.chargeZeroing(s.mappedCount());
        if (k.probing) k.probe().cacheTake(cpu, t, start, k.now() - start, s);
        population.populate(s, t.kind, cpu);
        return s;
      }
      k.metrics.inc(id, Metric.CACHE_MISSES);
    }
    k.metrics.inc(id, Metric.ALLOC_SLOW);
    KernelStack s = backing.build(cpu);
    population.populate(s, t.kind, cpu);
    return s;
  }

  /**
   * The dead thread's stack is released: offered to the hooks ({@code askHooks}: not when they
   * refused it already), then back into the cache if there is room. Returns false when neither
   * took it (the caller frees it, or defers the free past RCU).
   */
  boolean tryCache(KernelStack s, int cpu, boolean askHooks) {
    if (askHooks && hooks != null && hooks.release(s, cpu)) return true;
    if (cache == null) return false;
    long start = k.probeStart();
    k.charge(Primitive.CACHE_OP);
    // A cached stack of a growing policy goes back to its smallest initial population, so that a
    // reused stack looks like a new one (our choice; the RFC does not say).
    int keep = Math.min(population.initialPages(ThreadKind.USER), population.initialPages(ThreadKind.KERNEL));
    if (!s.directMapped && keep < config.stackPages()) pages.unmapBelow(s, keep, cpu, false);
    if (!cache.put(s, cpu)) return false;
    k.metrics.add(id, Metric.STACKS_CACHED, s.mappedCount());
    if (k.probing) k.probe().cachePut(cpu, k.opThread(), start, k.now() - start, s);
    return true;
  }

  /** Frees the stack for good. */
  public void destroy(KernelStack s, int cpu) { backing.destroy(s, cpu); }

  /**
   * Frees for good a stack that did not fit in the cache: counted as dropped once, however many
   * times it was offered (at the switch, then again after RCU, as thread_stack_free_rcu() does).
   */
  void drop(KernelStack s, int cpu) {
    if (cache != null) {
      k.metrics.inc(id, Metric.CACHE_DROPPED);
      if (k.probing) k.probe().cacheDrop(cpu, k.opThread(), k.now(), s);
    }
    destroy(s, cpu);
  }

  /** The thread died: its stack's pages stop counting as resident (exit_task_stack_account). */
  void retire(KernelStack s) {
    k.metrics.add(id, Metric.STACKS_RESIDENT, -s.mappedCount());
    s.setLive(false);
  }

  /** Pages mapped when a stack is created for a thread of {@code kind}. */
  public int initialPages(ThreadKind kind) { return population.initialPages(kind); }

  // ---------------------------------------------------------------- what the thread does

  public StackAccess access() { return access; }

  /** {@code ensure}: room for {@code bytes} more below the current depth. */
  public void ensure(Task t, long bytes) { growth.ensure(t, bytes); }

  /** The pre-fault touches before preempt_disable or irq_disable. */
  public void prefault(Task t) { prefault.before(t); }

  /** An expansion segment's callout returned (or the thread leaves the kernel): the segment goes back. */
  public void releaseSegment(Task t) { segment.release(t); }

  public void onEnter(Task t) { if (hooks == null || !hooks.enter(t)) growth.onEnter(t); }

  public void onLeave(Task t) { if (hooks == null || !hooks.leave(t)) shrinking.onLeave(t); }

  public void onSleep(Task t) { if (hooks == null || !hooks.sleep(t)) shrinking.onSleep(t); }

  public void onSwitchOut(Task t) {
    if (hooks != null && t.alive() && hooks.switchOut(t, t.cpu)) return;
    if (reclaimsOnSwitch) shrinking.onSwitchOut(t);
  }

  public void onSwitchIn(Task t, int cpu) {
    if (hooks != null && hooks.switchIn(t, cpu)) return;
    if (growsOnSwitch) growth.onSwitchIn(t, cpu);
  }

  /** dynamic_stack_refill_pages() at context switch. */
  public void refillSupply(int cpu) { if (supply != null) supply.refill(cpu); }

  /** The periodic reclaim pass: the hooks' (true when they replaced the built-in shrinker), else {@link Shrinking#shrinkSleeping}. */
  boolean reclaim() { return hooks != null && hooks.reclaim(); }

  // ---------------------------------------------------------------- figures

  public long virtualBytes() { return backing.virtualBytes(); }

  /** Pages in supply slot {@code i} (a CPU's, or with a global pool, slot 0 only). */
  public int supplyCount(int i) { return supply == null ? 0 : supply.count(i); }

  public int supplyPage(int cpu, int i) { return supply.pageAt(cpu, i); }

  public Reservations reservations() { return backing instanceof ArenaBacking a ? a.reservations : null; }

  public VmallocArea vmalloc() { return backing instanceof VmallocBacking v ? v.area : null; }

  public int cachedStacks() {
    int[] n = {cache == null ? 0 : cache.count()};
    if (hooks != null) hooks.forEachHeld((cpu, s) -> n[0]++);
    return n[0];
  }

  /** The free stacks kept for reuse: in the stack cache, and by the hooks. */
  public void forEachCached(BiConsumer<Integer, KernelStack> v) {
    if (cache != null) cache.forEach(v);
    if (hooks != null) hooks.forEachHeld(v);
  }

  void state(State s) {
    s.put(name);
    backing.state(s);
    if (cache != null) cache.state(s);
    if (supply != null) supply.state(s);
    if (hooks != null) hooks.state(s);
  }

  @Override public String toString() { return name; }
}
