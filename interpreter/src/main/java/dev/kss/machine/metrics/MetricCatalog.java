package dev.kss.machine.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metric names a script can use, in the report's order, read from the {@link Metric} table:
 * one name per metric, and for the latency family one per operation and statistic.
 */
public final class MetricCatalog {
  /**
   * One name: its unit, report heading and meaning; {@code metric} is its table row, and for the
   * latency family {@code op} and {@code stat} say which operation and statistic it is.
   */
  public record Info(String name, Metric.Unit unit, String area, String meaning, Metric metric, Latency.Op op, String stat) {
    /** A name from outside the table (a JS policy's own counters). */
    public Info(String name, Metric.Unit unit, String area, String meaning) { this(name, unit, area, meaning, null, null, null); }
  }

  /** The statistics of each latency, in the report's column order. */
  public static final List<String> LATENCY_STATS = List.of("mean", "p50", "p99", "max", "count");

  private static final Map<String, Info> ALL = new LinkedHashMap<>();

  static {
    for (Metric m : Metric.values()) {
      if (m.kind != Metric.Kind.LATENCY) {
        add(new Info(m.key, m.unit, m.area, m.meaning, m, null, null));
        continue;
      }
      for (Latency.Op op : Latency.Op.values()) {
        String o = op.name().toLowerCase();
        for (String stat : LATENCY_STATS) {
          String meaning = switch (stat) {
            case "mean" -> "mean simulated ns per " + o;
            case "p50" -> "median simulated ns per " + o;
            case "p99" -> "99th percentile simulated ns per " + o;
            case "max" -> "largest simulated ns of one " + o;
            default -> "number of " + o + " operations";
          };
          add(new Info(m.key + "." + o + "." + stat, stat.equals("count") ? Metric.Unit.COUNT : Metric.Unit.NS, m.area, meaning, m, op, stat));
        }
      }
    }
  }

  private static void add(Info i) { ALL.put(i.name(), i); }

  private MetricCatalog() {}

  public static Info lookup(String name) { return ALL.get(name); }

  /**
   * The metrics kept per CPU ({@link Metric#perCpu}), by the name written after {@code cpu[N].}
   * ({@code now} for {@code time.now}), in the report's order.
   */
  public static final Map<String, Info> PER_CPU;

  static {
    Map<String, Info> m = new LinkedHashMap<>();
    for (Info i : ALL.values()) if (i.metric() != null && i.op() == null && i.metric().perCpu()) m.put(i.metric() == Metric.TIME_NOW ? "now" : i.name(), i);
    PER_CPU = Collections.unmodifiableMap(m);
  }

  public static List<Info> all() { return Collections.unmodifiableList(new ArrayList<>(ALL.values())); }
}
