package dev.kss.machine.metrics;

/**
 * Every metric a script can name (the names are normative, docs/model.md lists them), in the order
 * the report shows them: its name, its unit, what it means, and how its value is had. This table is
 * the one declaration of a metric; the checker's names, the REPL's completion, the report's order
 * and the documentation's table are read from it ({@link MetricCatalog}).
 *
 * <p>A metric may be scoped to one policy ({@code dyn.stacks.resident}): counted metrics are kept
 * once for the whole machine and once per policy ({@link Metrics}).
 */
public enum Metric {
  THREADS_LIVE("threads.live", Unit.COUNT, Kind.LEVEL, null, "threads alive now"),
  THREADS_FORKED("threads.forked", Unit.COUNT, "threads forked"),
  THREADS_EXITED("threads.exited", Unit.COUNT, "threads that exited or were killed"),
  STACKS_RESIDENT("stacks.resident", Unit.BYTES, Kind.PAGES, null, "frames mapped into the stacks of live threads"),
  STACKS_RESIDENT_PEAK("stacks.resident_peak", Unit.BYTES, Kind.PAGES, null, "peak of stacks.resident"),
  STACKS_RESIDENT_MEAN("stacks.resident_mean", Unit.BYTES, Kind.DERIVED, null, "stacks.resident averaged over simulated time"),
  STACKS_CACHED("stacks.cached", Unit.BYTES, Kind.PAGES, null, "frames held by free stacks in stack caches"),
  STACKS_VIRTUAL("stacks.virtual", Unit.BYTES, Kind.DERIVED, null, "VA reserved for stacks, guards included"),
  STACKS_PAGETABLES("stacks.pagetables", Unit.BYTES, Kind.DERIVED, null, "page-table pages that map stacks"),
  SUPPLY_RESIDENT("supply.resident", Unit.BYTES, Kind.PAGES, "stacks", "frames in per-CPU page supplies and page caches"),
  ALLOC_COUNT("alloc.count", Unit.COUNT, "stack allocations"),
  ALLOC_SLOW("alloc.slow", Unit.COUNT, "stack allocations that went to vmalloc, the arena or the buddy allocator"),
  CACHE_HITS("cache.hits", Unit.COUNT, "stack allocations served by the stack cache"),
  CACHE_MISSES("cache.misses", Unit.COUNT, "stack allocations the stack cache could not serve"),
  CACHE_HIT_RATE("cache.hit_rate", Unit.RATIO, Kind.DERIVED, null, "hits / (hits + misses)"),
  CACHE_DROPPED("cache.dropped", Unit.COUNT, "freed stacks that did not fit in the cache"),
  CACHE_REMOTE("cache.remote", Unit.COUNT, "cache hits on a CPU of another NUMA node than the stack's pages"),
  FREE_DEFERRED("free.deferred", Unit.COUNT, Kind.LEVEL, null, "dead threads' stacks waiting for an RCU grace period now"),
  RCU_GRACE_PERIODS("rcu.grace_periods", Unit.COUNT, Kind.DERIVED, null, "RCU grace periods completed"),
  FAULTS_STACK("faults.stack", Unit.COUNT, "stack page faults"),
  PREFAULTS("prefaults", Unit.COUNT, Kind.COUNTED, "faults", "pre-fault touches"),
  ENSURE_FAILED("ensure.failed", Unit.COUNT, "refused ensure calls"),
  TLB_MISSES("tlb.misses", Unit.COUNT, "TLB misses (page walks)"),
  TLB_FLUSHES("tlb.flushes", Unit.COUNT, "TLB invalidations executed on a CPU (INVLPG runs or full flushes)"),
  TLB_SHOOTDOWNS("tlb.shootdowns", Unit.COUNT, "IPI shootdown rounds"),
  IPIS("ipis", Unit.COUNT, Kind.COUNTED, "tlb", "inter-processor interrupts sent for TLB shootdowns"),
  TLB_PURGES("tlb.purges", Unit.COUNT, "lazy vmap purges (one broadcast flush each)"),
  TLB_COALESCED("tlb.coalesced", Unit.COUNT, "TLB fills that covered four pages with one coalesced entry"),
  STALE_TLB("violations.stale_tlb", Unit.COUNT, "accesses through a TLB entry that outlived its mapping"),
  ATOMIC_FAULT("violations.atomic_fault", Unit.COUNT, "stack faults that must sleep, taken with preemption or IRQs off"),
  DOUBLE_FAULT("violations.double_fault", Unit.COUNT, "stack faults taken on the faulting stack itself"),
  OVERFLOW("violations.overflow", Unit.COUNT, "guard-page hits (the thread is killed)"),
  SILENT_OVERFLOW("violations.silent_overflow", Unit.COUNT, "overflows past a stack with no guard"),
  SUPPLY_EXHAUSTED("violations.supply_exhausted", Unit.COUNT, "stack faults that found the per-CPU supply empty"),
  UNMAPPED_ACCESS("violations.unmapped_access", Unit.COUNT, "remote touches of a published object whose page is no longer mapped"),
  VIOLATIONS_TOTAL("violations.total", Unit.COUNT, Kind.DERIVED, null, "all violations"),
  /** The latency family: latency.OP.STAT for every {@link Latency.Op} and statistic (MetricCatalog). */
  LATENCY("latency", Unit.NS, Kind.LATENCY, null, "simulated ns per operation"),
  TIME_NOW("time.now", Unit.NS, Kind.DERIVED, null, "simulated time"),
  RESERV_FULL("reserv.full", Unit.COUNT, Kind.DERIVED, null, "fully populated 2 MiB reservations (eligible for a superpage)"),
  RESERV_PARTIAL("reserv.partial", Unit.COUNT, Kind.DERIVED, null, "partially populated reservations"),
  RESERV_BROKEN("reserv.broken", Unit.COUNT, Kind.DERIVED, null, "partial reservations broken to give memory back (vm_reserv_break)"),
  RESERV_PATTERN("reserv.pattern", Unit.TEXT, Kind.DERIVED, null,
      "reservations in pindex order: F full, B filled from its start, E filled to its end, H with holes, X broken"),
  PHYS_EXCESS("phys.excess", Unit.RATIO, Kind.DERIVED, null,
      "reserved contiguous memory not backing stack pages, as a fraction of what is used");

  /** How a value reads: a plain count, bytes, simulated nanoseconds, a fraction, or text. */
  public enum Unit { COUNT, BYTES, NS, RATIO, TEXT }

  /**
   * Counted (kept in {@link Metrics} as it happens: events); a level (counted up and down: what
   * there is now); counted in pages (the machine counts frames,
   * the metric is their size in bytes); derived from the model's state when read; or the latency family.
   */
  public enum Kind { COUNTED, LEVEL, PAGES, DERIVED, LATENCY }

  public final String key;
  public final Unit unit;
  public final Kind kind;
  /** The heading the report puts it under (the name's first part, unless given). */
  public final String area;
  public final String meaning;

  Metric(String key, Unit unit, String meaning) { this(key, unit, Kind.COUNTED, null, meaning); }

  Metric(String key, Unit unit, Kind kind, String area, String meaning) {
    this.key = key;
    this.unit = unit;
    this.kind = kind;
    this.area = area != null ? area : key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
    this.meaning = meaning;
  }

  /**
   * Kept for each CPU too ({@code cpu[1].tlb.misses}): the events counted where they happen, what
   * is derived from them alone, and the CPU's clock ({@code cpu[1].now}). Levels and pages are not:
   * a thread forked on one CPU may die on another.
   */
  public boolean perCpu() {
    return kind == Kind.COUNTED && unit == Unit.COUNT || this == CACHE_HIT_RATE || this == VIOLATIONS_TOTAL || this == TIME_NOW;
  }

  /** A violation: something that would crash or corrupt a real kernel (violations.total sums them). */
  public boolean isViolation() { return kind == Kind.COUNTED && key.startsWith("violations."); }
}
