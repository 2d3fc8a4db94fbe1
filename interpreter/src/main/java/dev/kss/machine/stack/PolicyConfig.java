package dev.kss.machine.stack;

import dev.kss.machine.config.Arg;
import dev.kss.machine.config.Args;
import dev.kss.machine.config.Settable;
import dev.kss.machine.config.SettingError;
import java.util.ArrayList;
import java.util.List;

/**
 * A stack policy: one value for each mechanism of MODEL.md section 2. {@code policy X extends Y}
 * starts from a {@link #copy()} of Y's config. The defaults are the built-in {@code default}
 * policy, today's Linux (LANGUAGE.md): 16 KiB vmalloc'd with a guard page, per-CPU cache of 2,
 * freed at context switch (kernel/fork.c, kernel/sched/core.c finish_task_switch since 2022).
 */
public final class PolicyConfig implements Settable, java.io.Serializable {
  public enum Backing { DIRECT, VMALLOC, ARENA, HEAP }
  public enum Pindex { LINEAR, CONTIGUOUS }
  public enum FaultStack { NONE, IST, FRED }
  public enum Prefault { NONE, NEXT_PAGE, NEXT_TWO_PAGES, COUNTER }
  public enum CacheKind { NONE, PER_CPU, GLOBAL }
  public enum Free { AT_EXIT, AFTER_RCU, AT_SWITCH }
  public enum Invalidate { NONE, LOCAL, BROADCAST, INVLPGB }

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

  private final long pageSize;

  public PolicyConfig(long pageSize) { this.pageSize = pageSize; }

  public int stackPages() { return (int) (size / pageSize); }

  public PolicyConfig copy() {
    PolicyConfig c = new PolicyConfig(pageSize);
    c.guardAbove = guardAbove; c.arenaStart = arenaStart; c.supplyGlobal = supplyGlobal;
    c.shrinkerEveryNs = shrinkerEveryNs; c.ensureBySegment = ensureBySegment;
    c.size = size; c.guardPages = guardPages; c.backing = backing; c.pindex = pindex;
    c.populateUser = populateUser; c.populateKernel = populateKernel;
    c.growOnFault = growOnFault; c.growOnEnterTo = growOnEnterTo; c.growOnEnsure = growOnEnsure; c.growOnSwitch = growOnSwitch;
    c.shrinkOnLeave = shrinkOnLeave; c.shrinkOnSleep = shrinkOnSleep; c.reclaimUnaccessed = reclaimUnaccessed;
    c.faultStack = faultStack; c.faultMaySleep = faultMaySleep; c.supplyPerCpu = supplyPerCpu;
    c.faultAround = faultAround; c.prefault = prefault; c.cache = cache; c.cacheSize = cacheSize;
    c.free = free; c.invalidate = invalidate; c.zeroOnReuse = zeroOnReuse; c.zeroNew = zeroNew; c.vfreeLazy = vfreeLazy;
    return c;
  }

  @Override public List<String> keys() {
    return List.of("size", "guard", "guard_above", "arena_start", "shrinker", "ensure_by", "backing", "pindex", "populate", "grow", "shrink", "fault_stack",
        "fault_may_sleep", "supply", "fault_around", "prefault", "cache", "free", "invalidate",
        "zero_on_reuse", "zero_new", "vfree");
  }

  @Override public void set(String key, List<Arg> args) throws SettingError {
    switch (key) {
      case "size" -> {
        Args.count(args, 1, "a size such as 16 KiB");
        long s = Args.bytes(args, 0, pageSize, "stack size");
        if (s < pageSize || s % pageSize != 0 || s > (64L << 20))
          throw new SettingError(0, "stack size must be a whole number of pages between 4 KiB and 64 MiB");
        size = s;
      }
      case "guard" -> { Args.count(args, 1, "a number of pages"); guardPages = Args.pages(args, 0, pageSize, "guard"); }
      case "guard_above" -> { Args.count(args, 1, "a number of pages"); guardAbove = Args.pages(args, 0, pageSize, "guard_above"); }
      case "arena_start" -> {
        Args.count(args, 1, "a size such as 2 MiB");
        long a = Args.bytes(args, 0, pageSize, "arena start");
        if (a % (2L << 20) != 0) throw new SettingError(0, "the arena imports 2 MiB-aligned KVA: arena_start must be a multiple of 2 MiB");
        arenaStart = a;
      }
      case "shrinker" -> {
        if (args.size() == 1 && args.get(0).isWord("none")) { shrinkerEveryNs = 0; return; }
        Args.word(args, 0, "every", "none");
        Args.count(args, 2, "every DURATION, or none");
        shrinkerEveryNs = Args.nanos(args, 1, "shrinker period");
        if (shrinkerEveryNs == 0) throw new SettingError(1, "the shrinker period must be positive");
      }
      case "ensure_by" -> {
        Args.count(args, 1, "map or segment");
        ensureBySegment = Args.word(args, 0, "map", "segment").equals("segment");
      }
      case "backing" -> {
        Args.count(args, 1, "direct, vmalloc, arena or heap");
        backing = Backing.valueOf(Args.word(args, 0, "direct", "vmalloc", "arena", "heap").toUpperCase());
      }
      case "pindex" -> {
        Args.count(args, 1, "linear or contiguous");
        pindex = Pindex.valueOf(Args.word(args, 0, "linear", "contiguous").toUpperCase());
      }
      case "populate" -> setPopulate(args);
      case "grow" -> setGrow(args);
      case "shrink" -> setShrink(args);
      case "fault_stack" -> {
        Args.count(args, 1, "none, ist or fred");
        faultStack = FaultStack.valueOf(Args.word(args, 0, "none", "ist", "fred").toUpperCase());
      }
      case "fault_may_sleep" -> { Args.count(args, 1, "yes or no"); faultMaySleep = Args.yesNo(args, 0); }
      case "supply" -> {
        if (args.size() == 1 && args.get(0).isWord("none")) { supplyPerCpu = 0; return; }
        String scope = Args.word(args, 0, "per_cpu", "global", "none");
        Args.count(args, 2, scope + " N (pages)");
        supplyPerCpu = Args.pages(args, 1, pageSize, "supply");
        supplyGlobal = scope.equals("global");
      }
      case "fault_around" -> {
        Args.count(args, 1, "a number of pages");
        faultAround = Args.pages(args, 0, pageSize, "fault_around");
        if (faultAround < 1) throw new SettingError(0, "fault_around must be at least 1 page");
      }
      case "prefault" -> {
        Args.count(args, 1, "none, next_page, next_two_pages or counter");
        prefault = Prefault.valueOf(Args.word(args, 0, "none", "next_page", "next_two_pages", "counter").toUpperCase());
      }
      case "cache" -> {
        String k = Args.word(args, 0, "per_cpu", "global", "none");
        if (k.equals("none")) { Args.count(args, 1, "none"); cache = CacheKind.NONE; cacheSize = 0; return; }
        Args.count(args, 2, k + " N (stacks)");
        cache = k.equals("per_cpu") ? CacheKind.PER_CPU : CacheKind.GLOBAL;
        cacheSize = (int) Args.integer(args, 1, 0, 1 << 20, "cache size");
      }
      case "free" -> {
        Args.count(args, 1, "at_exit, after_rcu or at_switch");
        free = Free.valueOf(Args.word(args, 0, "at_exit", "after_rcu", "at_switch").toUpperCase());
      }
      case "invalidate" -> {
        Args.count(args, 1, "none, local, broadcast or invlpgb");
        invalidate = Invalidate.valueOf(Args.word(args, 0, "none", "local", "broadcast", "invlpgb").toUpperCase());
      }
      case "zero_on_reuse" -> { Args.count(args, 1, "yes or no"); zeroOnReuse = Args.yesNo(args, 0); }
      case "zero_new" -> { Args.count(args, 1, "yes or no"); zeroNew = Args.yesNo(args, 0); }
      case "vfree" -> { Args.count(args, 1, "lazy or eager"); vfreeLazy = Args.word(args, 0, "lazy", "eager").equals("lazy"); }
      default -> throw new SettingError(-1, "unknown policy setting '" + key + "', expected one of " + String.join(", ", keys()));
    }
  }

  /** {@code populate [user|kernel] all | lazy | top N pages}; without a thread kind, both kinds. */
  private void setPopulate(List<Arg> args) throws SettingError {
    int i = 0;
    String who = "both";
    if (!args.isEmpty() && (args.get(0).isWord("user") || args.get(0).isWord("kernel"))) { who = args.get(0).word(); i = 1; }
    String how = Args.word(args, i, "all", "lazy", "top");
    int pages;
    if (how.equals("top")) {
      Args.count(args, i + 2, "top N pages");
      pages = Args.pages(args, i + 1, pageSize, "populate");
    } else {
      Args.count(args, i + 1, how);
      pages = how.equals("all") ? POPULATE_ALL : 0;
    }
    if (!who.equals("kernel")) populateUser = pages;
    if (!who.equals("user")) populateKernel = pages;
  }

  /** {@code grow on fault | on enter to SIZE | on ensure | on switch | never}, several joined by commas. */
  private void setGrow(List<Arg> args) throws SettingError {
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
            enter = Args.bytes(part, 3, pageSize, "size mapped on entry");
          }
        }
      } catch (SettingError e) {
        throw new SettingError(e.argIndex() < 0 ? -1 : base + e.argIndex(), e.getMessage());
      }
    }
    growOnFault = fault; growOnEnsure = ensure; growOnEnterTo = enter; growOnSwitch = sw;
  }

  /** {@code shrink never | on leave | on sleep | reclaim unaccessed}, several joined by commas. */
  private void setShrink(List<Arg> args) throws SettingError {
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
    shrinkOnLeave = leave; shrinkOnSleep = sleep; reclaimUnaccessed = reclaim;
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
