package dev.kss.machine.tlb;

import dev.kss.machine.config.Arg;
import dev.kss.machine.config.Args;
import dev.kss.machine.config.Settable;
import dev.kss.machine.config.SettingError;
import java.util.List;

/**
 * TLB geometry and options. Defaults are Skylake's: L1 dTLB 64 entries 4-way, STLB 1536 entries
 * 12-way (Intel Optimization Manual 248966-045, table 2-15, as quoted in linux.md section 5).
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
public final class TlbConfig implements Settable, java.io.Serializable {
  public int l1Entries = 64, l1Ways = 4;
  public int stlbEntries = 1536, stlbWays = 12;
  public boolean coalesce16k = false;
  public boolean speculativeFills = false;
  public int flushCeiling = 33;

  @Override public void set(String key, List<Arg> args) throws SettingError {
    switch (key) {
      case "l1", "stlb" -> {
        List<Arg> nums = args.stream().filter(a -> !a.isWord("entries") && !a.isWord("way") && !a.isWord("ways")).toList();
        if (nums.size() != 2) throw new SettingError(-1, "expected '" + key + " ENTRIES entries WAYS way'");
        int entries = (int) Args.integer(nums, 0, 1, 1 << 16, "entries");
        int ways = (int) Args.integer(nums, 1, 1, entries, "ways");
        if (entries % ways != 0 || Integer.bitCount(entries / ways) != 1)
          throw new SettingError(-1, "entries / ways must be a power of two (the number of sets)");
        if (key.equals("l1")) { l1Entries = entries; l1Ways = ways; } else { stlbEntries = entries; stlbWays = ways; }
      }
      case "coalesce" -> {
        if (args.size() == 1 && args.get(0).isWord("off")) { coalesce16k = false; return; }
        Args.count(args, 1, "16 KiB or off");
        if (Args.bytes(args, 0, 4096, "coalescing size") != 16384)
          throw new SettingError(0, "only 16 KiB coalescing is modelled, expected 16 KiB or off");
        coalesce16k = true;
      }
      case "speculative" -> {
        if (args.isEmpty() || !args.get(0).isWord("fills")) throw new SettingError(-1, "expected 'speculative fills yes' or 'speculative fills no'");
        speculativeFills = args.size() == 1 || Args.yesNo(args, 1);
      }
      case "flush_ceiling" -> {
        Args.count(args, 1, "a number of pages");
        flushCeiling = (int) Args.integer(args, 0, 0, 1 << 20, "flush ceiling");
      }
      default -> throw new SettingError(-1, "unknown tlb setting '" + key + "', expected one of " + String.join(", ", keys()));
    }
  }

  @Override public List<String> keys() { return List.of("l1", "stlb", "coalesce", "speculative", "flush_ceiling"); }

  public TlbConfig copy() {
    TlbConfig c = new TlbConfig();
    c.l1Entries = l1Entries; c.l1Ways = l1Ways; c.stlbEntries = stlbEntries; c.stlbWays = stlbWays;
    c.coalesce16k = coalesce16k; c.speculativeFills = speculativeFills; c.flushCeiling = flushCeiling;
    return c;
  }
}
