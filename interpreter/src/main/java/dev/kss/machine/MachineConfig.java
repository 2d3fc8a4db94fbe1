package dev.kss.machine;

import dev.kss.machine.config.Arg;
import dev.kss.machine.config.Args;
import dev.kss.machine.config.Settable;
import dev.kss.machine.config.SettingError;
import dev.kss.machine.cost.CostModel;
import dev.kss.machine.tlb.TlbConfig;
import java.util.List;

/**
 * {@code machine { ... }}: defaults as LANGUAGE.md says ({@code cpus 4}, {@code memory 16 GiB},
 * {@code page 4 KiB}), one NUMA node, and RCU's minimum grace period of 3 ms (MODEL.md section 1).
 */
public final class MachineConfig implements Settable, java.io.Serializable {
  public static final int MAX_CPUS = 4096;

  public int cpus = 4;
  public long memory = 16L << 30;
  public int numa = 1;
  public int pageSize = 4096;
  public long rcuGpNs = 3_000_000;
  public final TlbConfig tlb = new TlbConfig();
  public final CostModel costs = new CostModel();

  @Override public void set(String key, List<Arg> args) throws SettingError {
    switch (key) {
      case "cpus" -> { Args.count(args, 1, "a number of CPUs"); cpus = (int) Args.integer(args, 0, 1, MAX_CPUS, "cpus"); }
      case "memory" -> {
        Args.count(args, 1, "a size such as 16 GiB");
        long m = Args.bytes(args, 0, pageSize, "memory");
        if (m < (4L << 20) || m > (1L << 40)) throw new SettingError(0, "memory must be between 4 MiB and 1 TiB");
        memory = m;
      }
      case "numa" -> { Args.count(args, 1, "a number of NUMA nodes"); numa = (int) Args.integer(args, 0, 1, 64, "numa nodes"); }
      case "page" -> {
        Args.count(args, 1, "4 KiB");
        long p = Args.bytes(args, 0, 4096, "page size");
        if (p != 4096) throw new SettingError(0, "only 4 KiB base pages are modelled (x86-64), expected 4 KiB");
        pageSize = (int) p;
      }
      case "rcu", "rcu_gp" -> {
        int i = key.equals("rcu") ? 1 : 0;
        if (i == 1) Args.word(args, 0, "gp");
        Args.count(args, i + 1, "a duration such as 3 ms");
        rcuGpNs = Args.nanos(args, i, "RCU grace period");
      }
      case "costs", "tlb" -> throw new SettingError(-1, "'" + key + "' is a block: " + key + " { ... }");
      default -> throw new SettingError(-1, "unknown machine setting '" + key + "', expected one of " + String.join(", ", keys()));
    }
  }

  @Override public Settable block(String key) throws SettingError {
    return switch (key) {
      case "costs" -> costs;
      case "tlb" -> tlb;
      default -> throw new SettingError(-1, "unknown machine block '" + key + "', expected costs or tlb");
    };
  }

  @Override public List<String> keys() { return List.of("cpus", "memory", "numa", "page", "rcu", "tlb", "costs"); }
}
