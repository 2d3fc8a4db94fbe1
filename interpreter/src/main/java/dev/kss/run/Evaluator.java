package dev.kss.run;

import dev.kss.ast.Expr;
import dev.kss.ast.ScriptError;
import dev.kss.ast.Unit;
import dev.kss.check.Program;
import dev.kss.check.Ref;
import dev.kss.check.Type;
import dev.kss.check.Values;
import dev.kss.machine.metrics.Metric;
import java.util.Arrays;

/**
 * Evaluates checked expressions. Types are known statically, so numbers (counts, bytes, ns) stay
 * primitive doubles and no value is boxed on the way to an event.
 */
final class Evaluator {
  private final Session session;
  private final Program program;
  /** Variable slots: numbers and conditions (1/0) in {@code nums}, strings in {@code texts}. */
  private double[] nums = new double[16];
  private String[] texts = new String[16];

  Evaluator(Session session, Program program) {
    this.session = session;
    this.program = program;
  }

  /** The evaluator of {@code session}, a copy of the one this evaluator serves, with the same values. */
  Evaluator copy(Session session) {
    Evaluator e = new Evaluator(session, program);
    e.nums = nums.clone();
    e.texts = texts.clone();
    return e;
  }

  /** Grows the slots when the checker has declared more variables (REPL). */
  void sync() {
    int n = program.variables();
    if (n > nums.length) {
      nums = Arrays.copyOf(nums, Math.max(n, nums.length * 2));
      texts = Arrays.copyOf(texts, nums.length);
    }
  }

  void set(int slot, Expr e) {
    Type t = program.type(e);
    if (t == Type.TEXT) texts[slot] = text(e);
    else nums[slot] = t == Type.BOOL ? (bool(e) ? 1 : 0) : num(e);
  }

  void setNumber(int slot, double v) { nums[slot] = v; }
  double number(int slot) { return nums[slot]; }

  double num(Expr e) {
    return switch (e) {
      case Expr.Num n -> n.unit() == Unit.PAGES ? n.value() * session.pageSize() : n.value();
      case Expr.Path p -> switch (program.ref(p)) {
        case Ref.Var v -> nums[v.slot()];
        case Ref.Metric m -> session.metric(m) instanceof Number n ? n.doubleValue() : Double.NaN;
        case Ref.Const c -> c.value() ? 1 : 0;
        case Ref.CpuMetric m -> session.cpuMetric(m);
        case Ref.Thread t -> session.threadValue(t) instanceof Number n ? n.doubleValue() : Double.NaN;
      };
      case Expr.Unary u -> u.op() == Expr.Op.NEG ? -num(u.operand()) : (bool(u) ? 1 : 0);
      case Expr.Binary b -> {
        if (b.op().comparison() || b.op() == Expr.Op.AND || b.op() == Expr.Op.OR) yield bool(b) ? 1 : 0;
        double l = num(b.left()), r = num(b.right());
        if (r == 0 && (b.op() == Expr.Op.DIV || b.op() == Expr.Op.MOD))
          throw new ScriptError(b.opPos(), "division by zero");
        yield Values.arithmetic(b.op(), l, r);
      }
      case Expr.Call c -> call(c);
      case Expr.Str s -> Double.NaN; // the checker lets no string reach here
    };
  }

  private double call(Expr.Call c) {
    switch (c.fn().name()) {
      case "abs": return Math.abs(num(c.args().get(0)));
      case "pages": return Math.ceil(num(c.args().get(0)) / session.pageSize());
      case "uniform": {
        double lo = num(c.args().get(0)), hi = num(c.args().get(1));
        if (hi < lo) throw new ScriptError(c.pos(), "uniform(LOW, HIGH) needs LOW <= HIGH, not " + Values.number(lo) + " > " + Values.number(hi));
        if (lo == Math.rint(lo) && hi == Math.rint(hi) && hi - lo < 9e15)
          return lo + session.rng().nextLong((long) (hi - lo) + 1);
        return lo + session.rng().nextDouble() * (hi - lo);
      }
      default: {
        boolean min = c.fn().name().equals("min");
        double v = num(c.args().get(0));
        for (int i = 1; i < c.args().size(); i++) v = min ? Math.min(v, num(c.args().get(i))) : Math.max(v, num(c.args().get(i)));
        return v;
      }
    }
  }

  boolean bool(Expr e) {
    return switch (e) {
      case Expr.Binary b when b.op() == Expr.Op.AND -> bool(b.left()) && bool(b.right());
      case Expr.Binary b when b.op() == Expr.Op.OR -> bool(b.left()) || bool(b.right());
      case Expr.Binary b -> compare(b, null);
      case Expr.Unary u -> !bool(u.operand());
      case Expr.Path p -> program.ref(p) instanceof Ref.Const c ? c.value() : num(p) != 0;
      default -> num(e) != 0;
    };
  }

  String text(Expr e) {
    return switch (e) {
      case Expr.Str s -> s.value();
      case Expr.Path p -> switch (program.ref(p)) {
        case Ref.Var v -> texts[v.slot()];
        case Ref.Metric m -> String.valueOf(session.metric(m));
        case Ref.Const c -> Boolean.toString(c.value());
        case Ref.CpuMetric m -> format(e);
        case Ref.Thread t -> String.valueOf(session.threadValue(t));
      };
      default -> format(e);
    };
  }

  /** A value formatted for print: sizes and durations with units, strings as they are. */
  String format(Expr e) {
    Type t = program.type(e);
    return switch (t) {
      case TEXT -> text(e);
      case BOOL -> Boolean.toString(bool(e));
      default -> Format.value(num(e), t);
    };
  }

  /**
   * A comparison; when {@code explain} is non-null, appends both sides' values to it. Numbers are
   * equal when they differ by no more than rounding noise (1e-9 relative).
   */
  boolean compare(Expr.Binary b, StringBuilder explain) {
    Type t = program.type(b.left());
    if (t == Type.TEXT || t == Type.BOOL) {
      Object l = t == Type.TEXT ? text(b.left()) : (Object) bool(b.left());
      Object r = t == Type.TEXT ? text(b.right()) : (Object) bool(b.right());
      if (explain != null) explain.append(Format.value(l, t)).append(' ').append(b.op().symbol).append(' ').append(Format.value(r, t));
      return l.equals(r) == (b.op() == Expr.Op.EQ);
    }
    double l = num(b.left()), r = num(b.right());
    if (explain != null) {
      Type lt = program.type(b.left()), rt = program.type(b.right());
      // a plain number compared with a size or a duration is shown in that unit
      Type shown = lt == Type.NUMBER ? rt : lt;
      String ls = Format.value(l, lt == Type.NUMBER ? shown : lt), rs = Format.value(r, rt == Type.NUMBER ? shown : rt);
      if (shown == Type.NUMBER && (percent(b.left()) || percent(b.right()))) { ls = Format.percent(l); rs = Format.percent(r); }
      if (ls.equals(rs) && l != r) { ls = Format.exact(l, shown); rs = Format.exact(r, shown); }
      explain.append(ls).append(' ').append(b.op().symbol).append(' ').append(rs);
    }
    if (Double.isNaN(l) || Double.isNaN(r)) return b.op() == Expr.Op.NE;
    boolean eq = l == r || Math.abs(l - r) <= 1e-9 * Math.max(Math.abs(l), Math.abs(r));
    return switch (b.op()) {
      case EQ -> eq;
      case NE -> !eq;
      case LT -> l < r && !eq;
      case LE -> l < r || eq;
      case GT -> l > r && !eq;
      case GE -> l > r || eq;
      default -> throw new IllegalStateException(b.op().toString());
    };
  }

  /** A percentage literal or a ratio metric: shown as a percentage in the report. */
  private boolean percent(Expr e) {
    return e instanceof Expr.Num n && n.unit() == Unit.PERCENT
        || e instanceof Expr.Path p && (program.ref(p) instanceof Ref.Metric m && m.info().unit() == Metric.Unit.RATIO
            || program.ref(p) instanceof Ref.CpuMetric c && c.info().unit() == Metric.Unit.RATIO);
  }

  /** Evaluates a condition for the report: appends the values that decided it. */
  boolean explain(Expr e, StringBuilder out) {
    switch (e) {
      case Expr.Binary b when b.op() == Expr.Op.AND || b.op() == Expr.Op.OR -> {
        boolean l = explain(b.left(), out);
        out.append(' ').append(b.op().symbol).append(' ');
        boolean r = explain(b.right(), out);
        return b.op() == Expr.Op.AND ? l && r : l || r;
      }
      case Expr.Binary b -> { return compare(b, out); }
      case Expr.Unary u when u.op() == Expr.Op.NOT -> {
        out.append("not ");
        boolean inner = explain(u.operand(), out);
        return !inner;
      }
      default -> {
        boolean v = bool(e);
        out.append(v);
        return v;
      }
    }
  }
}
