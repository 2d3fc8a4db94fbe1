package dev.kss.machine.metrics;

import org.HdrHistogram.Histogram;

/**
 * Simulated nanoseconds per operation: the exact mean and maximum, and percentiles from an
 * HdrHistogram at three significant digits (deterministic, constant memory, no allocation per sample).
 */
public final class Latency implements java.io.Serializable {
  public enum Op { FORK, EXIT, ENTER, LEAVE, SWITCH }

  private final Histogram histogram = new Histogram(3);
  private long count, sum, max;
  /** A run of equal values not yet in the histogram (churns repeat the same cost). */
  private long runValue = -1, runCount;

  public void record(long ns) {
    long v = Math.max(0, ns);
    if (v == runValue) runCount++;
    else {
      if (runCount > 0) histogram.recordValueWithCount(runValue, runCount);
      runValue = v;
      runCount = 1;
    }
    count++;
    sum += ns;
    max = Math.max(max, ns);
  }

  private void flush() {
    if (runCount > 0) histogram.recordValueWithCount(runValue, runCount);
    runCount = 0;
    runValue = -1;
  }

  public long count() { return count; }
  public double mean() { return count == 0 ? 0 : (double) sum / count; }
  public long max() { return max; }
  public long percentile(double p) {
    flush();
    return count == 0 ? 0 : histogram.getValueAtPercentile(p);
  }
}
