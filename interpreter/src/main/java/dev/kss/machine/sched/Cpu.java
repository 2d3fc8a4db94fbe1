package dev.kss.machine.sched;

/** One CPU: what it runs (null when idle) and how many threads are queued on it. Its TLB is the MMU's (tlb.Mmu). */
public final class Cpu {
  public final int id;
  public final int node;
  Task current;
  /** Runnable threads whose CPU this is, the running one included. */
  int runnable;

  public Cpu(int id, int node) {
    this.id = id;
    this.node = node;
  }

  public Task current() { return current; }

  public int runnable() { return runnable; }

  public boolean idle() { return current == null; }

  /** In an extended quiescent state for RCU: idle or running in user mode. */
  public boolean quiescent() { return current == null || !current.inKernel; }
}
