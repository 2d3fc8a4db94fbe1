package dev.kss.machine.metrics;

import dev.kss.machine.base.State;
import java.util.Arrays;

/**
 * Counted metrics and latencies, kept once for the whole machine and once for each policy (index =
 * policy id), so that {@code dyn.stacks.resident} counts only the threads of {@code dyn}. Every
 * update names the policy it belongs to and lands in both places.
 */
public final class Metrics {
  private static final int N = Metric.values().length;
  private static final int OPS = Latency.Op.values().length;

  private final long[] global;
  /** Per policy: the counters of policy p at [p * N, (p + 1) * N). */
  private long[] scoped;
  private final Latency[] globalLatency;
  private Latency[][] scopedLatency;

  public Metrics() {
    global = new long[N];
    scoped = new long[0];
    globalLatency = new Latency[OPS];
    scopedLatency = new Latency[0][];
    for (int i = 0; i < OPS; i++) globalLatency[i] = new Latency();
  }

  private Metrics(Metrics o) {
    global = o.global.clone();
    scoped = o.scoped.clone();
    globalLatency = new Latency[OPS];
    for (int i = 0; i < OPS; i++) globalLatency[i] = o.globalLatency[i].copy();
    scopedLatency = new Latency[o.scopedLatency.length][];
    for (int p = 0; p < scopedLatency.length; p++) {
      if (o.scopedLatency[p] == null) continue;
      scopedLatency[p] = new Latency[OPS];
      for (int i = 0; i < OPS; i++) scopedLatency[p][i] = o.scopedLatency[p][i].copy();
    }
  }

  public Metrics copy() { return new Metrics(this); }

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

  public void add(int policy, Metric c, long n) {
    int i = c.ordinal(), j = policy * N + i;
    global[i] += n;
    scoped[j] += n;
    if (c == Metric.STACKS_RESIDENT) {
      int p = Metric.STACKS_RESIDENT_PEAK.ordinal(), q = policy * N + p;
      if (global[i] > global[p]) global[p] = global[i];
      if (scoped[j] > scoped[q]) scoped[q] = scoped[j];
    }
  }

  public void inc(int policy, Metric c) { add(policy, c, 1); }

  public long get(Metric c, int policyOrMinus1) {
    return policyOrMinus1 < 0 ? global[c.ordinal()] : scoped[policyOrMinus1 * N + c.ordinal()];
  }

  public long violations(int policyOrMinus1) {
    long v = 0;
    for (Metric c : Metric.values()) if (c.isViolation()) v += get(c, policyOrMinus1);
    return v;
  }

  public void record(int policy, Latency.Op op, long ns) {
    globalLatency[op.ordinal()].record(ns);
    scopedLatency[policy][op.ordinal()].record(ns);
  }

  public Latency latency(Latency.Op op, int policyOrMinus1) {
    return policyOrMinus1 < 0 ? globalLatency[op.ordinal()] : scopedLatency[policyOrMinus1][op.ordinal()];
  }

  public void state(State s) {
    s.put(global, 0, N).put(scoped, 0, scoped.length);
    for (Latency l : globalLatency) l.state(s);
    for (Latency[] ls : scopedLatency) if (ls != null) for (Latency l : ls) l.state(s);
  }
}
