package dev.kss.machine.cost;

import dev.kss.machine.cost.CostModel.Primitive;

/**
 * Simulated time, in nanoseconds: one clock per CPU, and the cost of the operation being measured.
 * The machine works on one CPU at a time ({@link #on}); a charge moves that CPU's clock, and only
 * that one, and counts towards the operation in progress, whose total is its latency. An idle CPU's
 * clock stays where its last work ended. Work nested in an operation (a context switch inside an
 * exit) is measured on its own and still counts for the outer operation; detached work (RCU
 * callbacks, a shrinker pass) runs at a time of its own on a CPU of its own and moves no clock:
 * kss does not charge softirq and kworker time to a CPU (docs/model.md, "Time").
 */
public final class Clock {
  private final CostModel costs;
  /** The cost table's values by primitive (fixed once the machine is built). */
  private final long[] ns;
  /** Each CPU's clock: where its last work ended. */
  private final long[] cpuNow;
  /** The CPU the machine is working on now. */
  private int cpu;
  private long opCost;

  public Clock(CostModel costs, int cpus) {
    this.costs = costs;
    this.ns = costs.values();
    this.cpuNow = new long[cpus];
  }

  private Clock(Clock o, CostModel costs) {
    this.costs = costs;
    this.ns = costs.values();
    this.cpuNow = o.cpuNow.clone();
    this.cpu = o.cpu;
    this.opCost = o.opCost;
  }

  public Clock copy(CostModel costs) { return new Clock(this, costs); }

  /** The clock of the CPU the machine is working on. */
  public long now() { return cpuNow[cpu]; }

  /** CPU {@code c}'s clock. */
  public long now(int c) { return cpuNow[c]; }

  /** The latest CPU clock: how far simulated time has come anywhere ({@code time.now}). */
  public long latest() {
    long t = 0;
    for (long x : cpuNow) if (x > t) t = x;
    return t;
  }

  public int cpus() { return cpuNow.length; }

  /** The CPU the machine is working on. */
  public int cpu() { return cpu; }

  public CostModel costs() { return costs; }

  /** Work continues on CPU {@code c} (its clock as it is); returns the CPU it was on. */
  public int on(int c) {
    int was = cpu;
    cpu = c;
    return was;
  }

  /** An event starts on CPU {@code c} at {@code t} (never before that CPU's clock): the CPU waits until then. */
  public void startAt(int c, long t) {
    cpu = c;
    if (t > cpuNow[c]) cpuNow[c] = t;
  }

  /** Charges one primitive; returns its cost. */
  public long charge(Primitive p) {
    long c = ns[p.ordinal()];
    cpuNow[cpu] += c;
    opCost += c;
    return c;
  }

  public long charge(Primitive p, long times) {
    long c = ns[p.ordinal()] * times;
    cpuNow[cpu] += c;
    opCost += c;
    return c;
  }

  /** Zeroing {@code pages} pages: the 16 KiB memset of the cost table, pro rata. */
  public long chargeZeroing(int pages) {
    long c = ns[Primitive.MEMSET_STACK.ordinal()] * pages / 4;
    cpuNow[cpu] += c;
    opCost += c;
    return c;
  }

  /** Time passes on the current CPU without work (waiting): its clock reaches {@code t} if it was behind. */
  public void advanceTo(long t) { if (t > cpuNow[cpu]) cpuNow[cpu] = t; }

  /** CPU {@code c}'s clock becomes {@code t} (the end of an {@code advance}: exactly its target, whatever work ran during it). */
  public void set(int c, long t) { cpuNow[c] = t; }

  /** An operation starts: its cost counts from zero. */
  public void beginOp() { opCost = 0; }

  /** What the operation in progress has cost so far. */
  public long opCost() { return opCost; }

  /** Nested work starts; returns what to give {@link #endNested}. */
  public long beginNested() {
    long outer = opCost;
    opCost = 0;
    return outer;
  }

  /** Nested work ends: returns its own cost, which also counts for the outer operation. */
  public long endNested(long outer) {
    long inner = opCost;
    opCost = outer + inner;
    return inner;
  }

  /**
   * Detached work starts on CPU {@code c} at time {@code t}; returns what to give
   * {@link #endDetached}. Its charges read as time passing from {@code t} while it runs.
   */
  public Detached beginDetached(int c, long t) {
    Detached d = new Detached(cpu, c, cpuNow[c], opCost);
    cpu = c;
    cpuNow[c] = t;
    return d;
  }

  /** Detached work ends: its charges count for no operation and move no clock. */
  public void endDetached(Detached d) {
    cpuNow[d.cpu] = d.clock;
    cpu = d.was;
    opCost = d.opCost;
  }

  /** What detached work interrupted, to put back. */
  public record Detached(int was, int cpu, long clock, long opCost) {}

  public void state(dev.kss.machine.base.State s) { s.put(cpuNow, 0, cpuNow.length); }
}
