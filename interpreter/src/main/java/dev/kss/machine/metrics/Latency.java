package dev.kss.machine.metrics;

import dev.kss.machine.base.State;
import java.util.Arrays;
import org.HdrHistogram.Histogram;

/**
 * Simulated nanoseconds per operation: the exact mean and maximum, and every value with the number
 * of times it occurred (a latency is a sum of primitive costs, so there are few distinct values).
 * Percentiles are read from an HdrHistogram at three significant digits made from those counts:
 * deterministic, and the same whatever the order the values came in.
 */
public final class Latency {
  public enum Op { FORK, EXIT, ENTER, LEAVE, SWITCH }

  private long count, sum, max;
  /** The distinct values recorded, ascending, and how often each was. */
  private long[] values, counts;
  private int distinct;
  /** A run of equal values not yet counted in the arrays (churns repeat the same cost). */
  private long runValue = -1, runCount;
  private Histogram histogram;

  public Latency() {
    values = new long[4];
    counts = new long[4];
  }

  private Latency(Latency o) {
    count = o.count;
    sum = o.sum;
    max = o.max;
    values = Arrays.copyOf(o.values, Math.max(4, o.distinct));
    counts = Arrays.copyOf(o.counts, values.length);
    distinct = o.distinct;
    runValue = o.runValue;
    runCount = o.runCount;
  }

  public Latency copy() { return new Latency(this); }

  public void record(long ns) {
    long v = Math.max(0, ns);
    if (v == runValue) runCount++;
    else {
      flush();
      runValue = v;
      runCount = 1;
    }
    count++;
    sum += ns;
    if (ns > max) max = ns;
  }

  /** Counts the run in the arrays. */
  private void flush() {
    if (runCount == 0) return;
    histogram = null;
    int i = Arrays.binarySearch(values, 0, distinct, runValue);
    if (i < 0) {
      i = -i - 1;
      if (distinct == values.length) {
        values = Arrays.copyOf(values, distinct * 2);
        counts = Arrays.copyOf(counts, distinct * 2);
      }
      System.arraycopy(values, i, values, i + 1, distinct - i);
      System.arraycopy(counts, i, counts, i + 1, distinct - i);
      values[i] = runValue;
      counts[i] = 0;
      distinct++;
    }
    counts[i] += runCount;
    runCount = 0;
    runValue = -1;
  }

  public long count() { return count; }
  public double mean() { return count == 0 ? 0 : (double) sum / count; }
  public long max() { return max; }

  public long percentile(double p) {
    if (count == 0) return 0;
    flush();
    if (histogram == null) {
      histogram = new Histogram(3);
      for (int i = 0; i < distinct; i++) histogram.recordValueWithCount(values[i], counts[i]);
    }
    return histogram.getValueAtPercentile(p);
  }

  void state(State s) {
    flush();   // the same values in any order of runs read the same
    s.put(count).put(sum).put(max).put(values, 0, distinct).put(counts, 0, distinct);
  }
}
