package dev.kss.machine;

import dev.kss.machine.cost.CostModel;
import dev.kss.machine.mem.PageTable;
import dev.kss.machine.mem.PhysicalMemory;
import dev.kss.machine.metrics.Metrics;
import dev.kss.machine.rcu.RcuState;
import dev.kss.machine.sched.Cpu;
import dev.kss.machine.tlb.Mmu;

/**
 * What every mechanism shares: the one physical memory, page table, set of CPUs (with their TLBs),
 * RCU, the clock and the cost model, and the metrics. Policies keep their own allocator state on
 * top of it (MODEL.md section 2).
 */
public final class Kernel implements java.io.Serializable {
  public final MachineConfig config;
  public final CostModel costs;
  public final PhysicalMemory memory;
  public final PageTable pageTable;
  public final Cpu[] cpus;
  public final Metrics metrics = new Metrics();
  public final RcuState rcu;
  public final Mmu mmu;
  /** Simulated time, in ns: every charged cost moves it. */
  public long now;
  /** The cost of the operation being measured (fork, exit, ...), for its latency. */
  public long opCost;

  Kernel(MachineConfig config) {
    this.config = config;
    this.costs = config.costs;
    this.memory = new PhysicalMemory(config.memory, config.numa, config.cpus, config.pageSize);
    this.pageTable = new PageTable(memory);
    this.cpus = new Cpu[config.cpus];
    for (int c = 0; c < cpus.length; c++) cpus[c] = new Cpu(c, memory.nodeOf(c), config.tlb);
    this.rcu = new RcuState(config.cpus, config.rcuGpNs, c -> cpus[c].quiescent());
    this.mmu = new Mmu(this);
  }

  /** Charges one primitive to the clock and to the operation being measured. */
  public void charge(CostModel.Primitive p) {
    long c = costs.get(p);
    now += c;
    opCost += c;
  }

  /** Zeroing {@code pages} pages: the 16 KiB memset of the cost table, pro rata. */
  public void chargeZeroing(int pages) {
    long c = costs.get(CostModel.Primitive.MEMSET_STACK) * pages / 4;
    now += c;
    opCost += c;
  }

  public void charge(CostModel.Primitive p, long times) {
    long c = costs.get(p) * times;
    now += c;
    opCost += c;
  }
}
