package dev.kss.ast;

import java.util.List;

/** Expressions. Every node starts at {@link #pos()}. */
public sealed interface Expr {
  Pos pos();

  /** {@code 12}, {@code 16 KiB}, {@code 3 pages}, {@code 1.5 us}, {@code 5%}: value already scaled by its unit. */
  record Num(Pos pos, double value, Unit unit, String unitWord, Pos unitPos) implements Expr {}

  record Str(Pos pos, String value) implements Expr {}

  /**
   * A variable, a metric ({@code cache.hit_rate}), a policy's metric ({@code dyn.stacks.resident}),
   * a CPU's ({@code cpu[1].tlb.misses}, {@code index} the CPU) or a thread's value ({@code a.depth},
   * {@code w[i].cpu}, {@code index} the thread's in its family); {@code index} is null when the
   * first part has none.
   */
  record Path(Pos pos, List<String> parts, Expr index) implements Expr {
    public Path(Pos pos, List<String> parts) { this(pos, parts, null); }

    public String text() { return String.join(".", parts); }

    /** The text after the first part ({@code tlb.misses} of {@code cpu[1].tlb.misses}). */
    public String rest() { return String.join(".", parts.subList(1, parts.size())); }
  }

  record Unary(Pos pos, Op op, Expr operand) implements Expr {}

  /** {@code pos} is where the expression starts, {@code opPos} where its operator is. */
  record Binary(Pos pos, Pos opPos, Op op, Expr left, Expr right) implements Expr {}

  /** {@code min(a, b)}, {@code pages(16 KiB)}, {@code uniform(1, 6)}. */
  record Call(Pos pos, Ident fn, List<Expr> args) implements Expr {}

  enum Op {
    ADD("+"), SUB("-"), MUL("*"), DIV("/"), MOD("%"),
    EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="),
    AND("and"), OR("or"), NOT("not"), NEG("-");

    public final String symbol;

    Op(String symbol) { this.symbol = symbol; }

    public boolean comparison() { return ordinal() >= EQ.ordinal() && ordinal() <= GE.ordinal(); }

    public static Op of(String symbol, boolean unary) {
      if (unary) return symbol.equals("-") ? NEG : NOT;
      for (Op op : values()) if (op.symbol.equals(symbol) && op != NEG) return op;
      throw new IllegalArgumentException(symbol);
    }
  }
}
