package dev.kss.machine;

import static dev.kss.machine.config.SettingTable.row;

import dev.kss.machine.config.Args;
import dev.kss.machine.config.Settable;
import dev.kss.machine.config.SettingError;
import dev.kss.machine.config.SettingTable;
import dev.kss.machine.cost.CostModel;
import dev.kss.machine.mem.Page;
import dev.kss.machine.tlb.TlbConfig;
import java.util.List;

/**
 * {@code machine { ... }}: defaults as the language reference says ({@code cpus 4}, {@code memory
 * 16 GiB}, {@code page 4 KiB}), one NUMA node, and RCU's minimum grace period of 3 ms.
 */
public final class MachineConfig implements Settable {
  public static final int MAX_CPUS = 4096;

  public int cpus = 4;
  public long memory = 16L << 30;
  public int numa = 1;
  public int pageSize = Page.SIZE;
  public long rcuGpNs = 3_000_000;
  public final TlbConfig tlb = new TlbConfig();
  public final CostModel costs = new CostModel();

  public static final SettingTable<MachineConfig> SETTINGS = new SettingTable<>("machine setting", List.of(
      row("cpus", "a number of CPUs", "CPUs 0 to N-1, each with its own TLB", (c, args) -> {
        Args.count(args, 1, "a number of CPUs");
        c.cpus = (int) Args.integer(args, 0, 1, MAX_CPUS, "cpus");
      }),
      row("memory", "a size such as 16 GiB", "physical memory, split evenly over the NUMA nodes", (c, args) -> {
        Args.count(args, 1, "a size such as 16 GiB");
        long m = Args.bytes(args, 0, Page.SIZE, "memory");
        if (m < (4L << 20) || m > (1L << 40)) throw new SettingError(0, "memory must be between 4 MiB and 1 TiB");
        c.memory = m;
      }),
      row("numa", "a number of NUMA nodes", "NUMA nodes; CPUs sit on them in equal, consecutive runs", (c, args) -> {
        Args.count(args, 1, "a number of NUMA nodes");
        c.numa = (int) Args.integer(args, 0, 1, 64, "numa nodes");
      }),
      row("page", "4 KiB", "the base page size (only x86-64's 4 KiB is modelled)", (c, args) -> {
        Args.count(args, 1, "4 KiB");
        long p = Args.bytes(args, 0, Page.SIZE, "page size");
        if (p != Page.SIZE) throw new SettingError(0, "only 4 KiB base pages are modelled (x86-64), expected 4 KiB");
      }),
      row("rcu", "gp DURATION", "RCU's minimum grace period (3 ms by default)", (c, args) -> {
        Args.word(args, 0, "gp");
        Args.count(args, 2, "a duration such as 3 ms");
        c.rcuGpNs = Args.nanos(args, 1, "RCU grace period");
      }),
      row("tlb", "{ ... }", "TLB geometry and options (a block)", MachineConfig::isBlock),
      row("costs", "{ ... }", "the primitive costs (a block)", MachineConfig::isBlock)));

  private static void isBlock(MachineConfig c, List<dev.kss.machine.config.Arg> args) throws SettingError {
    throw new SettingError(-1, "a block: expected { ... }");
  }

  @Override public void set(String key, List<dev.kss.machine.config.Arg> args) throws SettingError {
    if (key.equals("costs") || key.equals("tlb")) throw new SettingError(-1, "'" + key + "' is a block: " + key + " { ... }");
    SETTINGS.set(this, key, args);
  }

  @Override public Settable block(String key) throws SettingError {
    return switch (key) {
      case "costs" -> costs;
      case "tlb" -> tlb;
      default -> throw new SettingError(-1, "unknown machine block '" + key + "', expected costs or tlb");
    };
  }

  @Override public List<String> keys() { return SETTINGS.keys(); }
}
