package dev.kss.machine.tlb;

import static dev.kss.machine.config.SettingTable.row;

import dev.kss.machine.config.Arg;
import dev.kss.machine.config.Args;
import dev.kss.machine.config.Settable;
import dev.kss.machine.config.SettingError;
import dev.kss.machine.config.SettingTable;
import dev.kss.machine.mem.Page;
import java.util.List;

/**
 * TLB geometry and options. Defaults are Skylake's: L1 dTLB 64 entries 4-way, STLB 1536 entries
 * 12-way (Intel Optimization Manual 248966-045, table 2-15).
 *
 * <pre>
 * tlb {
 *   l1 64 entries 4 way      # or: l1 64 4
 *   stlb 1536 entries 12 way
 *   coalesce 16 KiB          # AMD PTE coalescing (or: coalesce off)
 *   speculative fills yes    # walks that fill without setting the accessed bit
 *   flush_ceiling 33         # tlb_single_page_flush_ceiling
 * }
 * </pre>
 */
public final class TlbConfig implements Settable, Cloneable {
  public int l1Entries = 64, l1Ways = 4;
  public int stlbEntries = 1536, stlbWays = 12;
  public boolean coalesce16k = false;
  public boolean speculativeFills = false;
  public int flushCeiling = 33;

  public static final SettingTable<TlbConfig> SETTINGS = new SettingTable<>("tlb setting", List.of(
      row("l1", "ENTRIES entries WAYS way", "the L1 dTLB's geometry (Skylake: 64 entries, 4-way)", (c, a) -> c.geometry("l1", a)),
      row("stlb", "ENTRIES entries WAYS way", "the second-level TLB's geometry (Skylake: 1536 entries, 12-way)", (c, a) -> c.geometry("stlb", a)),
      row("coalesce", "16 KiB or off", "AMD PTE coalescing: one entry for four contiguous, aligned pages (exact rules unsourced)", (c, args) -> {
        if (args.size() == 1 && args.get(0).isWord("off")) { c.coalesce16k = false; return; }
        Args.count(args, 1, "16 KiB or off");
        if (Args.bytes(args, 0, Page.SIZE, "coalescing size") != 16384)
          throw new SettingError(0, "only 16 KiB coalescing is modelled, expected 16 KiB or off");
        c.coalesce16k = true;
      }),
      row("speculative", "fills yes or fills no", "page walks that fill the TLB without setting the accessed bit (Stevens, lkml 2606.2/07188)", (c, args) -> {
        if (args.isEmpty() || !args.get(0).isWord("fills")) throw new SettingError(-1, "expected 'speculative fills yes' or 'speculative fills no'");
        c.speculativeFills = args.size() == 1 || Args.yesNo(args, 1);
      }),
      row("flush_ceiling", "a number of pages", "above this many pages a full flush replaces INVLPGs (tlb_single_page_flush_ceiling = 33, arch/x86/mm/tlb.c)", (c, args) -> {
        Args.count(args, 1, "a number of pages");
        c.flushCeiling = (int) Args.integer(args, 0, 0, 1 << 20, "flush ceiling");
      })));

  private void geometry(String key, List<Arg> args) throws SettingError {
    List<Arg> nums = args.stream().filter(a -> !a.isWord("entries") && !a.isWord("way") && !a.isWord("ways")).toList();
    if (nums.size() != 2) throw new SettingError(-1, "expected '" + key + " ENTRIES entries WAYS way'");
    int entries = (int) Args.integer(nums, 0, 1, 1 << 16, "entries");
    int ways = (int) Args.integer(nums, 1, 1, entries, "ways");
    if (entries % ways != 0 || Integer.bitCount(entries / ways) != 1)
      throw new SettingError(-1, "entries / ways must be a power of two (the number of sets)");
    if (key.equals("l1")) { l1Entries = entries; l1Ways = ways; } else { stlbEntries = entries; stlbWays = ways; }
  }

  @Override public void set(String key, List<Arg> args) throws SettingError { SETTINGS.set(this, key, args); }

  @Override public List<String> keys() { return SETTINGS.keys(); }

  public TlbConfig copy() {
    try {
      return (TlbConfig) clone();
    } catch (CloneNotSupportedException e) {
      throw new AssertionError(e);
    }
  }
}
