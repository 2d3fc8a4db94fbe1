package dev.kss.machine.metrics;

import dev.kss.machine.base.State;
import dev.kss.machine.cost.Clock;
import java.util.Arrays;

/**
 * Counted metrics and latencies, kept once for the whole machine, once for each policy (index =
 * policy id), so that {@code dyn.stacks.resident} counts only the threads of {@code dyn}, and once
 * for each CPU, so that {@code cpu[1].tlb.misses} counts only what CPU 1 did. Every update names
 * the policy it belongs to and lands in all three places; its CPU is the one the machine is working
 * on (the clock's), unless it names another.
 */
public final class Metrics {
  private static final int N = Metric.values().length;
  private static final int OPS = Latency.Op.values().length;

  private final Clock clock;
  private final long[] global;
  /** Per CPU: the counters of CPU c at [c * N, (c + 1) * N). */
  private final long[] perCpu;
  /** Per policy: the counters of policy p at [p * N, (p + 1) * N). */
  private long[] scoped;
  private final Latency[] globalLatency;
  private Latency[][] scopedLatency;
  /**
   * stacks.resident integrated over time (frames x ns), for the whole machine at [0] and policy p
   * at [p + 1], up to its {@code areaTo}; each mean is taken from its {@code since} (the start, or
   * the last {@link #restart} of that scope).
   */
  private long[] area, since;
  /** How far each scope's area has been added up; {@code areaAt} is the latest time a level changed (never going back). */
  private long[] areaTo;
  private long areaAt;

  public Metrics(Clock clock) {
    this.clock = clock;
    perCpu = new long[clock.cpus() * N];
    global = new long[N];
    scoped = new long[0];
    globalLatency = new Latency[OPS];
    scopedLatency = new Latency[0][];
    for (int i = 0; i < OPS; i++) globalLatency[i] = new Latency();
    area = new long[1];
    since = new long[1];
    areaTo = new long[1];
  }

  private Metrics(Metrics o, Clock clock) {
    this.clock = clock;
    perCpu = o.perCpu.clone();
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
    area = o.area.clone();
    areaAt = o.areaAt;
    since = o.since.clone();
    areaTo = o.areaTo.clone();
  }

  /** A copy that reads the CPU from {@code clock} (the copy's). */
  public Metrics copy(Clock clock) { return new Metrics(this, clock); }

  /** Makes room for policy {@code id}. */
  public void addScope(int id) {
    if (id >= scopedLatency.length) {
      scoped = Arrays.copyOf(scoped, (id + 1) * N);
      scopedLatency = Arrays.copyOf(scopedLatency, id + 1);
      area = Arrays.copyOf(area, id + 2);
      since = Arrays.copyOf(since, id + 2);
      areaTo = Arrays.copyOf(areaTo, id + 2);
    }
    area[id + 1] = 0;
    since[id + 1] = areaTo[id + 1] = areaAt;
    Arrays.fill(scoped, id * N, (id + 1) * N, 0);
    scopedLatency[id] = new Latency[OPS];
    for (int i = 0; i < OPS; i++) scopedLatency[id][i] = new Latency();
  }

  public void add(int policy, Metric c, long n) { addOn(clock.cpu(), policy, c, n); }

  /** The same, for something CPU {@code cpu} did (a flush on an IPI's target). */
  public void addOn(int cpu, int policy, Metric c, long n) {
    int i = c.ordinal(), j = policy * N + i;
    if (c == Metric.STACKS_RESIDENT) {
      areaAt = Math.max(areaAt, clock.now(cpu));
      integrate(-1);
      integrate(policy);
    }
    global[i] += n;
    perCpu[cpu * N + i] += n;
    scoped[j] += n;
    if (c == Metric.STACKS_RESIDENT) {
      int p = Metric.STACKS_RESIDENT_PEAK.ordinal(), q = policy * N + p;
      if (global[i] > global[p]) global[p] = global[i];
      if (scoped[j] > scoped[q]) scoped[q] = scoped[j];
    }
  }

  public void inc(int policy, Metric c) { add(policy, c, 1); }

  /**
   * Adds a scope's stacks.resident x the time since its area was last added up, to the latest
   * change ({@code areaAt}): a scope whose level did not change in between needs no work, so a
   * change costs the same however many policies there are.
   */
  private void integrate(int policyOrMinus1) {
    int s = policyOrMinus1 + 1;
    if (areaAt > areaTo[s]) {
      area[s] += level(policyOrMinus1) * (areaAt - areaTo[s]);
      areaTo[s] = areaAt;
    }
  }

  private long level(int policyOrMinus1) {
    int r = Metric.STACKS_RESIDENT.ordinal();
    return policyOrMinus1 < 0 ? global[r] : scoped[policyOrMinus1 * N + r];
  }

  /** stacks.resident (frames) averaged over time from the start, or the scope's last restart, to {@code now} (reading changes nothing). */
  public double residentMean(int policyOrMinus1, long now) {
    int s = policyOrMinus1 + 1;
    long to = Math.max(now, areaAt), level = level(policyOrMinus1);
    long span = to - since[s];
    if (span <= 0) return level;
    return (double) (area[s] + level * (to - areaTo[s])) / span;
  }

  /**
   * Counting starts again at {@code now} for the whole machine, every CPU and policy
   * {@code policy} (a replay's figures count from its trace's first event): counted metrics and
   * latencies go back to zero, the peak and the mean start from what is there now; levels
   * (threads alive, pages mapped, stacks cached) stay, and so do other policies' figures.
   */
  public void restart(long now, int policy) {
    areaAt = Math.max(areaAt, now);
    int r = Metric.STACKS_RESIDENT.ordinal(), peak = Metric.STACKS_RESIDENT_PEAK.ordinal();
    for (Metric m : Metric.values()) {
      if (m.kind != Metric.Kind.COUNTED) continue;
      int i = m.ordinal();
      global[i] = 0;
      scoped[policy * N + i] = 0;
      for (int j = i; j < perCpu.length; j += N) perCpu[j] = 0;
    }
    global[peak] = global[r];
    scoped[policy * N + peak] = scoped[policy * N + r];
    for (int i = 0; i < OPS; i++) {
      globalLatency[i] = new Latency();
      scopedLatency[policy][i] = new Latency();
    }
    area[0] = area[policy + 1] = 0;
    since[0] = since[policy + 1] = areaTo[0] = areaTo[policy + 1] = areaAt;
  }

  public long get(Metric c, int policyOrMinus1) {
    return policyOrMinus1 < 0 ? global[c.ordinal()] : scoped[policyOrMinus1 * N + c.ordinal()];
  }

  /** A counter of one CPU: what it did (summed over policies). For stacks.resident and the like, the pages that CPU mapped less those it unmapped. */
  public long onCpu(Metric c, int cpu) { return perCpu[cpu * N + c.ordinal()]; }

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
    s.put(global, 0, N).put(scoped, 0, scoped.length).put(perCpu, 0, perCpu.length).put(area, 0, area.length).put(since, 0, since.length).put(areaTo, 0, areaTo.length).put(areaAt);
    for (Latency l : globalLatency) l.state(s);
    for (Latency[] ls : scopedLatency) if (ls != null) for (Latency l : ls) l.state(s);
  }
}
