package dev.kss.check;

import dev.kss.ast.Expr;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Arithmetic and checks shared by the checker (on constants) and the interpreter. */
public final class Values {
  private Values() {}

  /** {@code l op r} for + - * / % (a division by zero is NaN: the caller reports it). */
  public static double arithmetic(Expr.Op op, double l, double r) {
    return switch (op) {
      case ADD -> l + r;
      case SUB -> l - r;
      case MUL -> l * r;
      case DIV -> r == 0 ? Double.NaN : l / r;
      case MOD -> r == 0 ? Double.NaN : l % r;
      default -> throw new IllegalArgumentException(op.toString());
    };
  }

  /** What is wrong with {@code cpu} as a CPU number on a machine of {@code cpus} CPUs, or null. */
  public static String cpuProblem(double cpu, int cpus) {
    if (cpu != Math.rint(cpu)) return "a CPU number must be a whole number, not " + number(cpu);
    if (cpu < 0 || cpu >= cpus)
      return "cpu " + number(cpu) + " does not exist: the machine has " + cpus + (cpus == 1 ? " CPU (cpu 0)" : " CPUs (0 to " + (cpus - 1) + ")");
    return null;
  }

  /** A plain number as people write it: 12, 0.25, 1234.5678 (at most four decimals). */
  public static String number(double v) {
    if (Double.isNaN(v)) return "NaN";
    if (Double.isInfinite(v)) return v > 0 ? "infinity" : "-infinity";
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    return BigDecimal.valueOf(v).setScale(4, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
  }
}
