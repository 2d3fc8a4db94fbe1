package dev.kss.machine.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every metric a script can name (MODEL.md section 3; the names are normative), with its unit.
 * A metric may be scoped to one policy: {@code dyn.stacks.resident}.
 */
public final class MetricCatalog {
  /** How a metric's value reads: a plain count, bytes, simulated nanoseconds, a fraction, or text. */
  public enum Unit { COUNT, BYTES, NS, RATIO, TEXT }

  public record Info(String name, Unit unit, String area, String meaning) {}

  private static final Map<String, Info> ALL = new LinkedHashMap<>();

  private static void add(String name, Unit unit, String meaning) {
    String area = switch (name) {
      case "prefaults" -> "faults";
      case "ipis" -> "tlb";
      case "supply.resident" -> "stacks";
      default -> name.substring(0, name.indexOf('.'));
    };
    ALL.put(name, new Info(name, unit, area, meaning));
  }

  static {
    add("threads.live", Unit.COUNT, "threads alive now");
    add("threads.forked", Unit.COUNT, "threads forked");
    add("threads.exited", Unit.COUNT, "threads that exited or were killed");
    add("stacks.resident", Unit.BYTES, "frames mapped into the stacks of live threads");
    add("stacks.resident_peak", Unit.BYTES, "peak of stacks.resident");
    add("stacks.cached", Unit.BYTES, "frames held by free stacks in stack caches");
    add("stacks.virtual", Unit.BYTES, "VA reserved for stacks, guards included");
    add("stacks.pagetables", Unit.BYTES, "page-table pages that map stacks");
    add("supply.resident", Unit.BYTES, "frames in per-CPU page supplies and page caches");
    add("alloc.count", Unit.COUNT, "stack allocations");
    add("alloc.slow", Unit.COUNT, "stack allocations that went to vmalloc, the arena or the buddy allocator");
    add("cache.hits", Unit.COUNT, "stack allocations served by the stack cache");
    add("cache.misses", Unit.COUNT, "stack allocations the stack cache could not serve");
    add("cache.hit_rate", Unit.RATIO, "hits / (hits + misses)");
    add("cache.dropped", Unit.COUNT, "freed stacks that did not fit in the cache");
    add("free.deferred", Unit.COUNT, "dead threads' stacks waiting for an RCU grace period now");
    add("rcu.grace_periods", Unit.COUNT, "RCU grace periods completed");
    add("faults.stack", Unit.COUNT, "stack page faults");
    add("prefaults", Unit.COUNT, "pre-fault touches");
    add("ensure.failed", Unit.COUNT, "refused ensure calls");
    add("tlb.misses", Unit.COUNT, "TLB misses (page walks)");
    add("tlb.flushes", Unit.COUNT, "TLB invalidations executed on a CPU (INVLPG runs or full flushes)");
    add("tlb.shootdowns", Unit.COUNT, "IPI shootdown rounds");
    add("ipis", Unit.COUNT, "inter-processor interrupts sent for TLB shootdowns");
    add("tlb.purges", Unit.COUNT, "lazy vmap purges (one broadcast flush each)");
    add("tlb.coalesced", Unit.COUNT, "TLB fills that covered four pages with one coalesced entry");
    add("violations.stale_tlb", Unit.COUNT, "accesses through a TLB entry that outlived its mapping");
    add("violations.atomic_fault", Unit.COUNT, "stack faults that must sleep, taken with preemption or IRQs off");
    add("violations.double_fault", Unit.COUNT, "stack faults taken on the faulting stack itself");
    add("violations.overflow", Unit.COUNT, "guard-page hits (the thread is killed)");
    add("violations.silent_overflow", Unit.COUNT, "overflows past a stack with no guard");
    add("violations.supply_exhausted", Unit.COUNT, "stack faults that found the per-CPU supply empty");
    add("violations.unmapped_access", Unit.COUNT, "remote touches of a published object whose page is no longer mapped");
    add("violations.total", Unit.COUNT, "all violations");
    for (String op : List.of("fork", "exit", "enter", "leave", "switch")) {
      add("latency." + op + ".mean", Unit.NS, "mean simulated ns per " + op);
      add("latency." + op + ".p50", Unit.NS, "median simulated ns per " + op);
      add("latency." + op + ".p99", Unit.NS, "99th percentile simulated ns per " + op);
      add("latency." + op + ".max", Unit.NS, "largest simulated ns of one " + op);
      add("latency." + op + ".count", Unit.COUNT, "number of " + op + " operations");
    }
    add("time.now", Unit.NS, "simulated time");
    add("reserv.full", Unit.COUNT, "fully populated 2 MiB reservations (eligible for a superpage)");
    add("reserv.partial", Unit.COUNT, "partially populated reservations");
    add("reserv.broken", Unit.COUNT, "partial reservations broken to give memory back (vm_reserv_break)");
    add("reserv.pattern", Unit.TEXT, "reservations in pindex order: F full, B filled from its start, E filled to its end, H with holes, X broken");
    add("phys.excess", Unit.RATIO, "reserved contiguous memory not backing stack pages, as a fraction of what is used");
  }

  private MetricCatalog() {}

  public static Info lookup(String name) { return ALL.get(name); }

  public static java.util.Collection<Info> all() { return ALL.values(); }
}
