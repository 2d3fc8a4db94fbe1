package dev.kss.run;

import dev.kss.check.Type;
import dev.kss.check.Values;
import dev.kss.machine.metrics.Metric;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Values as the report shows them: sizes in B/KiB/MiB/..., durations in ns/us/ms/s. Deterministic. */
public final class Format {
  private Format() {}

  private static final String[] SIZE_UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

  public static String bytes(double b) {
    int u = 0;
    double v = b;
    while (u < SIZE_UNITS.length - 1 && Math.abs(v) >= 1024) { v /= 1024; u++; }
    return twoDecimals(v) + " " + SIZE_UNITS[u];
  }

  public static String nanos(double ns) {
    double a = Math.abs(ns);
    if (a < 1e3) return twoDecimals(ns) + " ns";
    if (a < 1e6) return twoDecimals(ns / 1e3) + " us";
    if (a < 1e9) return twoDecimals(ns / 1e6) + " ms";
    return twoDecimals(ns / 1e9) + " s";
  }

  public static String percent(double fraction) { return twoDecimals(fraction * 100) + "%"; }

  /** A value of a static type. */
  public static String value(Object v, Type t) {
    if (v instanceof String s) return '"' + s + '"';
    if (v instanceof Boolean b) return b.toString();
    double d = (Double) v;
    return switch (t) {
      case SIZE -> bytes(d);
      case DURATION -> nanos(d);
      case BOOL -> d != 0 ? "true" : "false";
      default -> Values.number(d);
    };
  }

  /** A value exactly (bytes or ns without rounding), for when the rounded forms look equal. */
  public static String exact(double d, Type t) {
    String n = Values.number(d);
    return switch (t) {
      case SIZE -> n + " B";
      case DURATION -> n + " ns";
      default -> BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    };
  }

  /** A metric value as its catalog unit says. */
  public static String metric(Object v, Metric.Unit unit) {
    if (v instanceof String s) return '"' + s + '"';
    double d = v == null ? 0 : ((Number) v).doubleValue();
    return switch (unit) {
      case BYTES -> bytes(d);
      case NS -> nanos(d);
      case RATIO -> percent(d);
      default -> Values.number(d);
    };
  }

  private static String twoDecimals(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) return Values.number(v);
    return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
  }
}
