package dev.kss.machine.stack;

import static dev.kss.machine.config.SettingTable.row;

import dev.kss.machine.config.Arg;
import dev.kss.machine.config.Args;
import dev.kss.machine.config.Settable;
import dev.kss.machine.config.SettingError;
import dev.kss.machine.config.SettingTable;
import dev.kss.machine.mem.Page;
import dev.kss.machine.tlb.Invalidate;
import java.util.ArrayList;
import java.util.List;

/**
 * A stack policy: one value for each mechanism (docs/model.md, the policy mechanisms).
 * {@code policy X extends Y} starts from a {@link #copy()} of Y's config. The defaults are the
 * built-in {@code default} policy, today's Linux: 16 KiB vmalloc'd with a guard page, per-CPU
 * cache of 2, freed at context switch (kernel/fork.c, kernel/sched/core.c finish_task_switch
 * since 2022). Each setting is one row of {@link #SETTINGS}.
 */
public final class PolicyConfig implements Settable, Cloneable {
  public enum Backing { DIRECT, VMALLOC, ARENA, HEAP }
  public enum Pindex { LINEAR, CONTIGUOUS }
  public enum FaultStack { NONE, IST, FRED }
  public enum Prefault { NONE, NEXT_PAGE, NEXT_TWO_PAGES, COUNTER }
  public enum CacheKind { NONE, PER_CPU, GLOBAL }
  public enum Free { AT_EXIT, AFTER_RCU, AT_SWITCH }

  /** Pages mapped at creation: ALL, or the top {@code n} pages (0 = lazy). */
  public static final int POPULATE_ALL = -1;

  public long size = 16 << 10;
  public int guardPages = 1;
  /** Guard pages above the stack (XNU: one above, two below); they only take VA. */
  public int guardAbove = 0;
  /** Where the kstack arena's first import lands in the policy's window (FreeBSD; see KstackArena). */
  public long arenaStart = 2L << 20;
  public Backing backing = Backing.VMALLOC;
  public Pindex pindex = Pindex.LINEAR;
  public int populateUser = POPULATE_ALL;
  public int populateKernel = POPULATE_ALL;
  public boolean growOnFault = false;
  /** Bytes mapped on kernel entry (0: no growth on entry). */
  public long growOnEnterTo = 0;
  public boolean growOnEnsure = false;
  /** Map the whole stack before the thread is switched in (Brian Gerst's proposal). */
  public boolean growOnSwitch = false;
  public boolean shrinkOnLeave = false;
  public boolean shrinkOnSleep = false;
  public boolean reclaimUnaccessed = false;
  public FaultStack faultStack = FaultStack.NONE;
  public boolean faultMaySleep = false;
  public int supplyPerCpu = 0;
  /** The supply is one pool for all CPUs (Amlogic's spinlocked pool) rather than one per CPU. */
  public boolean supplyGlobal = false;
  /** A shrinker that runs at most once per this many ns and unmaps pages below sleeping threads' stack pointers (0: none). */
  public long shrinkerEveryNs = 0;
  /** {@code ensure} beyond the stack maps a separate segment (Windows KeExpandKernelStackAndCallout), not pages in place. */
  public boolean ensureBySegment = false;
  public int faultAround = 1;
  public Prefault prefault = Prefault.NONE;
  public CacheKind cache = CacheKind.PER_CPU;
  public int cacheSize = 2;
  public Free free = Free.AT_SWITCH;
  public Invalidate invalidate = Invalidate.BROADCAST;
  public boolean zeroOnReuse = true;
  /** New stack pages are zeroed (Linux: THREADINFO_GFP includes __GFP_ZERO). */
  public boolean zeroNew = true;
  public boolean vfreeLazy = true;

  private static final long PAGE = Page.SIZE;

  public int stackPages() { return (int) (size / PAGE); }

  /** Every field is a value: a copy is a field-by-field clone. */
  public PolicyConfig copy() {
    try {
      return (PolicyConfig) clone();
    } catch (CloneNotSupportedException e) {
      throw new AssertionError(e);
    }
  }

  /** The settings, in the order error messages and the documentation list them. */
  public static final SettingTable<PolicyConfig> SETTINGS = new SettingTable<>("policy setting", List.of(
      row("size", "a size such as 16 KiB", "THREAD_SIZE (x86-64: 16 KiB; 32 KiB with KASAN)", (c, args) -> {
        Args.count(args, 1, "a size such as 16 KiB");
        long s = Args.bytes(args, 0, PAGE, "stack size");
        if (s < PAGE || s % PAGE != 0 || s > (64L << 20))
          throw new SettingError(0, "stack size must be a whole number of pages between 4 KiB and 64 MiB");
        c.size = s;
      }),
      row("guard", "N pages", "guard pages below the stack (vmalloc: one, mm/vmalloc.c __get_vm_area_node)",
          (c, args) -> { Args.count(args, 1, "a number of pages"); c.guardPages = Args.pages(args, 0, PAGE, "guard"); }),
      row("guard_above", "N pages", "guard pages above the stack; they only take VA (XNU: one above, two below)",
          (c, args) -> { Args.count(args, 1, "a number of pages"); c.guardAbove = Args.pages(args, 0, PAGE, "guard_above"); }),
      row("arena_start", "a multiple of 2 MiB", "where the FreeBSD kstack arena's first import lands (our choice: 2 MiB, imports read EFFFB)", (c, args) -> {
        Args.count(args, 1, "a size such as 2 MiB");
        long a = Args.bytes(args, 0, PAGE, "arena start");
        if (a % (2L << 20) != 0) throw new SettingError(0, "the arena imports 2 MiB-aligned KVA: arena_start must be a multiple of 2 MiB");
        c.arenaStart = a;
      }),
      row("shrinker", "every DURATION, or none", "a periodic pass that unmaps pages below sleeping threads' stack pointers (Amlogic vmap_stack.c)", (c, args) -> {
        if (args.size() == 1 && args.get(0).isWord("none")) { c.shrinkerEveryNs = 0; return; }
        Args.word(args, 0, "every", "none");
        Args.count(args, 2, "every DURATION, or none");
        c.shrinkerEveryNs = Args.nanos(args, 1, "shrinker period");
        if (c.shrinkerEveryNs == 0) throw new SettingError(1, "the shrinker period must be positive");
      }),
      row("ensure_by", "map or segment", "ensure beyond the stack: map pages in place, or run on a new segment (Windows KeExpandKernelStackAndCallout)", (c, args) -> {
        Args.count(args, 1, "map or segment");
        c.ensureBySegment = Args.word(args, 0, "map", "segment").equals("segment");
      }),
      row("backing", Args.either(Args.words(Backing.values())),
          "order-N contiguous pages (Linux before 4.9); vmalloc area with order-0 pages (CONFIG_VMAP_STACK, 4.9); FreeBSD kstack arena; malloc'ed, always resident",
          (c, args) -> c.backing = Args.only(args, Backing.values())),
      row("pindex", Args.either(Args.words(Pindex.values())), "FreeBSD kstack_object index: lin (D24473) or lin - (lin / K + 1) * G (D38852)",
          (c, args) -> c.pindex = Args.only(args, Pindex.values())),
      row("populate", "[user|kernel] all | lazy | top N pages", "what is mapped when a stack is created", PolicyConfig::setPopulate),
      row("grow", "on fault | on enter to SIZE | on ensure | on switch | never, joined by commas", "how unmapped pages get mapped", PolicyConfig::setGrow),
      row("shrink", "never | on leave | on sleep | reclaim unaccessed, joined by commas", "when mapped pages are given back", PolicyConfig::setShrink),
      row("fault_stack", Args.either(Args.words(FaultStack.values())), "where a stack page fault runs: on the faulting stack (a double fault), an IST stack, FRED stack level 1",
          (c, args) -> c.faultStack = Args.only(args, FaultStack.values())),
      row("fault_may_sleep", "yes or no", "the fault handler may sleep, so a fault with preemption or IRQs off is a violation (OSv's assertion in page_fault)",
          (c, args) -> { Args.count(args, 1, "yes or no"); c.faultMaySleep = Args.yesNo(args, 0); }),
      row("supply", "per_cpu N | global N | none", "pages reserved for faults that must not sleep, refilled at context switch (Dynamic Kernel Stacks RFC)", (c, args) -> {
        if (args.size() == 1 && args.get(0).isWord("none")) { c.supplyPerCpu = 0; return; }
        String scope = Args.word(args, 0, "per_cpu", "global", "none");
        Args.count(args, 2, scope + " N (pages)");
        c.supplyPerCpu = Args.pages(args, 1, PAGE, "supply");
        c.supplyGlobal = scope.equals("global");
      }),
      row("fault_around", "N pages", "pages mapped per stack fault, downwards", (c, args) -> {
        Args.count(args, 1, "a number of pages");
        c.faultAround = Args.pages(args, 0, PAGE, "fault_around");
        if (c.faultAround < 1) throw new SettingError(0, "fault_around must be at least 1 page");
      }),
      row("prefault", Args.either(Args.words(Prefault.values())), "touches below the stack pointer before preempt_disable or irq_disable (OSv issue #143)",
          (c, args) -> c.prefault = Args.only(args, Prefault.values())),
      row("cache", "per_cpu N | global N | none", "a cache of whole free stacks (Linux cached_stacks, NR_CACHED_STACKS = 2; FreeBSD kstack_cache)", (c, args) -> {
        String k = Args.word(args, 0, "per_cpu", "global", "none");
        if (k.equals("none")) { Args.count(args, 1, "none"); c.cache = CacheKind.NONE; c.cacheSize = 0; return; }
        Args.count(args, 2, k + " N (stacks)");
        c.cache = k.equals("per_cpu") ? CacheKind.PER_CPU : CacheKind.GLOBAL;
        c.cacheSize = (int) Args.integer(args, 1, 0, 1 << 20, "cache size");
      }),
      row("free", Args.either(Args.words(Free.values())), "when a dead thread's stack is released: at exit, after an RCU grace period, or in finish_task_switch()",
          (c, args) -> c.free = Args.only(args, Free.values())),
      row("invalidate", Args.either(Args.words(Invalidate.values())), "TLB invalidation when stack pages are unmapped",
          (c, args) -> c.invalidate = Args.only(args, Invalidate.values())),
      row("zero_on_reuse", "yes or no", "memset of a cached stack on reuse (a cost)",
          (c, args) -> { Args.count(args, 1, "yes or no"); c.zeroOnReuse = Args.yesNo(args, 0); }),
      row("zero_new", "yes or no", "new stack pages are zeroed (THREADINFO_GFP includes __GFP_ZERO; a cost)",
          (c, args) -> { Args.count(args, 1, "yes or no"); c.zeroNew = Args.yesNo(args, 0); }),
      row("vfree", "lazy or eager", "vmalloc unmapping: the lazy purge (lazy_max_pages) or an immediate flush",
          (c, args) -> { Args.count(args, 1, "lazy or eager"); c.vfreeLazy = Args.word(args, 0, "lazy", "eager").equals("lazy"); })));

  @Override public List<String> keys() { return SETTINGS.keys(); }

  @Override public void set(String key, List<Arg> args) throws SettingError { SETTINGS.set(this, key, args); }

  private static void setPopulate(PolicyConfig c, List<Arg> args) throws SettingError {
    int i = 0;
    String who = "both";
    if (!args.isEmpty() && (args.get(0).isWord("user") || args.get(0).isWord("kernel"))) { who = args.get(0).word(); i = 1; }
    String how = Args.word(args, i, "all", "lazy", "top");
    int pages;
    if (how.equals("top")) {
      Args.count(args, i + 2, "top N pages");
      pages = Args.pages(args, i + 1, PAGE, "populate");
    } else {
      Args.count(args, i + 1, how);
      pages = how.equals("all") ? POPULATE_ALL : 0;
    }
    if (!who.equals("kernel")) c.populateUser = pages;
    if (!who.equals("user")) c.populateKernel = pages;
  }

  /** {@code grow on fault | on enter to SIZE | on ensure | on switch | never}, several joined by commas. */
  private static void setGrow(PolicyConfig c, List<Arg> args) throws SettingError {
    boolean fault = false, ensure = false, sw = false;
    long enter = 0;
    for (int start : starts(args)) {
      List<Arg> part = part(args, start);
      int base = start;
      try {
        if (part.size() == 1 && part.get(0).isWord("never")) continue;
        Args.word(part, 0, "on", "never");
        String what = Args.word(part, 1, "fault", "enter", "ensure", "switch");
        switch (what) {
          case "fault" -> { Args.count(part, 2, "on fault"); fault = true; }
          case "switch" -> { Args.count(part, 2, "on switch"); sw = true; }
          case "ensure" -> { Args.count(part, 2, "on ensure"); ensure = true; }
          default -> {
            Args.word(part, 2, "to");
            Args.count(part, 4, "on enter to SIZE");
            enter = Args.bytes(part, 3, PAGE, "size mapped on entry");
          }
        }
      } catch (SettingError e) {
        throw new SettingError(e.argIndex() < 0 ? -1 : base + e.argIndex(), e.getMessage());
      }
    }
    c.growOnFault = fault; c.growOnEnsure = ensure; c.growOnEnterTo = enter; c.growOnSwitch = sw;
  }

  /** {@code shrink never | on leave | on sleep | reclaim unaccessed}, several joined by commas. */
  private static void setShrink(PolicyConfig c, List<Arg> args) throws SettingError {
    boolean leave = false, sleep = false, reclaim = false;
    for (int start : starts(args)) {
      List<Arg> part = part(args, start);
      int base = start;
      try {
        String w = Args.word(part, 0, "never", "on", "reclaim");
        switch (w) {
          case "never" -> Args.count(part, 1, "never");
          case "on" -> {
            Args.count(part, 2, "on leave or on sleep");
            if (Args.word(part, 1, "leave", "sleep").equals("leave")) leave = true; else sleep = true;
          }
          default -> { Args.count(part, 2, "reclaim unaccessed"); Args.word(part, 1, "unaccessed"); reclaim = true; }
        }
      } catch (SettingError e) {
        throw new SettingError(e.argIndex() < 0 ? -1 : base + e.argIndex(), e.getMessage());
      }
    }
    c.shrinkOnLeave = leave; c.shrinkOnSleep = sleep; c.reclaimUnaccessed = reclaim;
  }

  /** Where each comma-separated part of {@code args} starts. */
  private static List<Integer> starts(List<Arg> args) throws SettingError {
    List<Integer> starts = new ArrayList<>();
    starts.add(0);
    for (int i = 0; i < args.size(); i++) if (args.get(i).kind() == Arg.Kind.COMMA) starts.add(i + 1);
    for (int s : starts) if (part(args, s).isEmpty()) throw new SettingError(-1, "expected a value between the commas");
    return starts;
  }

  private static List<Arg> part(List<Arg> args, int start) {
    int end = start;
    while (end < args.size() && args.get(end).kind() != Arg.Kind.COMMA) end++;
    return args.subList(start, end);
  }
}
