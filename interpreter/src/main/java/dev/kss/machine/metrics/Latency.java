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

  public void record(long ns) {
    histogram.recordValue(Math.max(0, ns));
    count++;
    sum += ns;
    max = Math.max(max, ns);
  }

  public long count() { return count; }
  public double mean() { return count == 0 ? 0 : (double) sum / count; }
  public long max() { return max; }
  public long percentile(double p) { return count == 0 ? 0 : histogram.getValueAtPercentile(p); }
}
