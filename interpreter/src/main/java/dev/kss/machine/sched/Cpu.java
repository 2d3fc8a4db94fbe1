package dev.kss.machine.sched;

import dev.kss.machine.tlb.Tlb;
import dev.kss.machine.tlb.TlbConfig;

/** One CPU: what it runs (null when idle), how many threads are queued on it, and its TLB. */
public final class Cpu implements java.io.Serializable {
  public final int id;
  public final int node;
  public Task current;
  /** Runnable threads whose CPU this is, the running one included. */
  public int runnable;
  private final TlbConfig tlbConfig;
  private Tlb tlb;

  public Cpu(int id, int node, TlbConfig tlbConfig) {
    this.id = id;
    this.node = node;
    this.tlbConfig = tlbConfig;
  }

  /** The TLB, built on first use (a 4096-CPU machine only pays for the CPUs a scenario uses). */
  public Tlb tlb() {
    if (tlb == null) tlb = new Tlb(tlbConfig);
    return tlb;
  }

  public boolean hasTlb() { return tlb != null; }

  public boolean idle() { return current == null; }

  /** In an extended quiescent state for RCU: idle or running in user mode. */
  public boolean quiescent() { return current == null || !current.inKernel; }
}
