package dev.kss.machine.cost;

import dev.kss.machine.cost.CostModel.Primitive;

/**
 * Simulated time, in nanoseconds, and the cost of the operation being measured. Time moves only
 * by charging primitive costs (or by {@link #advanceTo}); each charge also counts towards the
 * operation in progress, whose total is its latency. Work nested in an operation (a context switch
 * inside an exit) is measured on its own and still counts for the outer operation; work detached
 * from it (RCU callbacks, a shrinker pass) moves time but counts for no operation.
 */
public final class Clock {
  private final CostModel costs;
  /** The cost table's values by primitive (fixed once the machine is built). */
  private final long[] ns;
  private long now;
  private long opCost;

  public Clock(CostModel costs) {
    this.costs = costs;
    this.ns = costs.values();
  }

  private Clock(Clock o, CostModel costs) {
    this.costs = costs;
    this.ns = costs.values();
    this.now = o.now;
    this.opCost = o.opCost;
  }

  public Clock copy(CostModel costs) { return new Clock(this, costs); }

  public long now() { return now; }

  public CostModel costs() { return costs; }

  /** Charges one primitive; returns its cost. */
  public long charge(Primitive p) {
    long c = ns[p.ordinal()];
    now += c;
    opCost += c;
    return c;
  }

  public long charge(Primitive p, long times) {
    long c = ns[p.ordinal()] * times;
    now += c;
    opCost += c;
    return c;
  }

  /** Zeroing {@code pages} pages: the 16 KiB memset of the cost table, pro rata. */
  public long chargeZeroing(int pages) {
    long c = ns[Primitive.MEMSET_STACK.ordinal()] * pages / 4;
    now += c;
    opCost += c;
    return c;
  }

  /** Time passes without work (advance, waiting for a grace period). */
  public void advanceTo(long t) { now = Math.max(now, t); }

  /** The end of an {@code advance}: exactly its target, whatever work ran during it. */
  public void setNow(long t) { now = t; }

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

  /** Detached work starts; returns what to give {@link #endDetached}. */
  public long beginDetached() { return opCost; }

  /** Detached work ends: its charges count for no operation. */
  public void endDetached(long saved) { opCost = saved; }
}
