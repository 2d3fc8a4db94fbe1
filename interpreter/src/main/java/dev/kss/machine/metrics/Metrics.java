package dev.kss.machine.metrics;

import java.util.Arrays;

/**
 * Counters and latencies, kept once for the whole machine and once for each policy (index = policy
 * id), so that {@code dyn.stacks.resident} counts only the threads of {@code dyn} (MODEL.md section 2).
 * Every update names the policy it belongs to and lands in both places.
 */
public final class Metrics implements java.io.Serializable {
  private static final int N = Counter.values().length;
  private static final int OPS = Latency.Op.values().length;

  private final long[] global = new long[N];
  /** Per policy: the counters of policy p at [p * N, (p + 1) * N). */
  private long[] scoped = new long[0];
  private final Latency[] globalLatency = new Latency[OPS];
  private Latency[][] scopedLatency = new Latency[0][];

  public Metrics() {
    for (int i = 0; i < OPS; i++) globalLatency[i] = new Latency();
  }

  /** Makes room for policy {@code id}. */
  public void addScope(int id) {
    if (id >= scopedLatency.length) {
      scoped = Arrays.copyOf(scoped, (id + 1) * N);
      scopedLatency = Arrays.copyOf(scopedLatency, id + 1);
    }
    Arrays.fill(scoped, id * N, (id + 1) * N, 0);
    scopedLatency[id] = new Latency[OPS];
    for (int i = 0; i < OPS; i++) scopedLatency[id][i] = new Latency();
  }

  public void add(int policy, Counter c, long n) {
    int i = c.ordinal(), j = policy * N + i;
    global[i] += n;
    scoped[j] += n;
    if (c == Counter.RESIDENT_PAGES) {
      int p = Counter.RESIDENT_PEAK_PAGES.ordinal(), q = policy * N + p;
      if (global[i] > global[p]) global[p] = global[i];
      if (scoped[j] > scoped[q]) scoped[q] = scoped[j];
    }
  }

  public void inc(int policy, Counter c) { add(policy, c, 1); }

  /** A count that belongs to no policy (a purge or flush of the whole machine). */
  public void addGlobal(Counter c, long n) { global[c.ordinal()] += n; }

  public long get(Counter c, int policyOrMinus1) {
    return policyOrMinus1 < 0 ? global[c.ordinal()] : scoped[policyOrMinus1 * N + c.ordinal()];
  }

  public long violations(int policyOrMinus1) {
    long v = 0;
    for (Counter c : Counter.values()) if (c.isViolation()) v += get(c, policyOrMinus1);
    return v;
  }

  public void record(int policy, Latency.Op op, long ns) {
    globalLatency[op.ordinal()].record(ns);
    scopedLatency[policy][op.ordinal()].record(ns);
  }

  public Latency latency(Latency.Op op, int policyOrMinus1) {
    return policyOrMinus1 < 0 ? globalLatency[op.ordinal()] : scopedLatency[policyOrMinus1][op.ordinal()];
  }
}
