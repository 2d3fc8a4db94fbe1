package dev.kss.machine.cost;

import dev.kss.machine.config.Arg;
import dev.kss.machine.config.Args;
import dev.kss.machine.config.Settable;
import dev.kss.machine.config.SettingError;
import dev.kss.machine.config.SettingTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The primitive costs of profile {@code x86-64} (docs/model.md, the cost model), in simulated nanoseconds.
 * These are the only calibrated numbers of kss: every latency a script reports is a sum of them,
 * as the mechanisms walk. Each can be overridden in {@code machine { costs { invlpg 100 ns } }}.
 */
public final class CostModel implements Settable {
  /** One primitive: its key in {@code costs { }}, its default, and where the default comes from. */
  public enum Primitive {
    INVLPG("invlpg", 100, "INVLPG of one page: arch/x86/mm/tlb.c comment ('about 100 ns')"),
    FULL_FLUSH("full_flush", 3_300, "full TLB flush, used above tlb_single_page_flush_ceiling=33 pages: 33 INVLPGs' worth (arch/x86/mm/tlb.c)"),
    IPI_ROUND("ipi_round", 1_500, "IPI shootdown, per round: Amit, USENIX ATC'17, and secondary measurements (~1.5 us)"),
    IPI_TARGET("ipi_target", 100, "IPI shootdown, per target CPU: secondary measurements (0.1 us)"),
    INVLPGB("invlpgb", 300, "INVLPGB + TLBSYNC broadcast: unsourced estimate, no IPI round trip"),
    PAGE_WALK("page_walk", 30, "TLB miss page walk: estimate (four dependent loads mostly hitting the caches)"),
    STACK_FAULT("stack_fault", 1_000, "stack page fault, minor, no sleep: median minor fault ~1.0 us (secondary)"),
    PAGE_ALLOC("page_alloc", 100, "page from the per-CPU list: LLFree ATC'23 (94 ns single core)"),
    PAGE_FREE("page_free", 50, "page back to the per-CPU list: estimate, half an allocation"),
    VMAP_AREA("vmap_area", 1_200, "vmalloc area search and PTE setup: LWN 692208 says clone() is 1.5 us slower with "
        + "vmalloc'd 16 KiB stacks than with order-2 pages; 1.5 us minus the three extra order-0 allocations"),
    VUNMAP_AREA("vunmap_area", 300, "vunmap of an area, PTE clear without flush: estimate"),
    MEMSET_STACK("memset_stack", 300, "memset of a 16 KiB stack on cache reuse: estimate (0.3 us)"),
    CONTEXT_SWITCH("context_switch", 1_100, "context switch: thread ping-pong ~1.07 us (secondary)"),
    SYSCALL("syscall", 100, "kernel entry or exit itself (SYSCALL/SYSRET, entry code): estimate"),
    TASK_ALLOC("task_alloc", 200, "task_struct from the slab and copy_process bookkeeping: estimate"),
    PTE_SET("pte_set", 10, "writing one PTE: estimate"),
    CACHE_OP("cache_op", 20, "a stack-cache slot exchange (this_cpu_xchg / cmpxchg): estimate"),
    RESERV_ALLOC("reserv_alloc", 500, "a new 2 MiB reservation (order-9 block from vm_phys): estimate");

    public final String key;
    public final long defaultNs;
    public final String source;

    Primitive(String key, long defaultNs, String source) {
      this.key = key;
      this.defaultNs = defaultNs;
      this.source = source;
    }
  }

  private final long[] ns = new long[Primitive.values().length];

  public CostModel() {
    for (Primitive p : Primitive.values()) ns[p.ordinal()] = p.defaultNs;
  }

  public long get(Primitive p) { return ns[p.ordinal()]; }

  /** The values by primitive ordinal, for the clock (not to be written). */
  long[] values() { return ns; }

  public CostModel copy() {
    CostModel c = new CostModel();
    System.arraycopy(ns, 0, c.ns, 0, ns.length);
    return c;
  }

  /** One row a primitive: {@code costs { KEY DURATION }}. */
  public static final SettingTable<CostModel> SETTINGS = new SettingTable<>("cost",
      java.util.Arrays.stream(Primitive.values()).map(p -> SettingTable.<CostModel>row(p.key, "a duration such as 100 ns", p.source,
          (c, args) -> {
            Args.count(args, 1, "a duration such as 100 ns");
            c.ns[p.ordinal()] = Args.nanos(args, 0, p.key);
          })).toList());

  @Override public void set(String key, List<Arg> args) throws SettingError { SETTINGS.set(this, key, args); }

  @Override public List<String> keys() { return SETTINGS.keys(); }

  /** The table as it stands, for the report. */
  public Map<String, Long> table() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (Primitive p : Primitive.values()) m.put(p.key, ns[p.ordinal()]);
    return m;
  }
}
