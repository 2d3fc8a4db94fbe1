package dev.kss.ast;

import java.util.List;

/** The events of LANGUAGE.md: each drives the machine. {@link #thread()} is null for machine-wide ones. */
public sealed interface Event extends Stmt {
  ThreadRef thread();

  /** {@code fork T [from P] [on cpu N] [as user|kernel] [policy NAME]}; absent options are null. */
  record Fork(Pos pos, ThreadRef thread, ThreadRef parent, Expr cpu, Kind kind, Ident policy) implements Event {}

  enum Kind { USER, KERNEL }

  /** The events that take only a thread: {@code exit a}, {@code enter a}, {@code sleep a}, ... */
  record Simple(Pos pos, Op op, ThreadRef thread) implements Event {}

  enum Op {
    EXIT("exit"), ENTER("enter"), LEAVE("leave"), SLEEP("sleep"), RUN("run"),
    PREEMPT_DISABLE("preempt_disable"), PREEMPT_ENABLE("preempt_enable"),
    IRQ_DISABLE("irq_disable"), IRQ_ENABLE("irq_enable");

    public final String keyword;

    Op(String keyword) { this.keyword = keyword; }

    public static Op of(String keyword) {
      for (Op op : values()) if (op.keyword.equals(keyword)) return op;
      throw new IllegalArgumentException(keyword);
    }
  }

  /** {@code depth T SIZE} or {@code depth T dist NAME} (exactly one of size, dist). */
  record Depth(Pos pos, ThreadRef thread, Expr size, Ident dist) implements Event {}

  /** {@code syscall T [depth SIZE | dist NAME] [{ ... }]}: enter, depth, the body, depth 0, leave. */
  record Syscall(Pos pos, ThreadRef thread, Expr size, Ident dist, List<Stmt> body) implements Event {}

  /** {@code atomic T { ... }} (preemption off around the body) or {@code noirq T { ... }} (IRQs off). */
  record Guarded(Pos pos, boolean irq, ThreadRef thread, List<Stmt> body) implements Event {}

  record Ensure(Pos pos, ThreadRef thread, Expr size) implements Event {}

  /** {@code wake T [on cpu N]}; {@code cpu} null: where it last ran. */
  record Wake(Pos pos, ThreadRef thread, Expr cpu) implements Event {}

  record Migrate(Pos pos, ThreadRef thread, Expr cpu) implements Event {}

  record Publish(Pos pos, ThreadRef thread, Expr offset) implements Event {}

  record Touch(Pos pos, ThreadRef thread, Expr offset, Expr cpu) implements Event {}

  record Advance(Pos pos, Expr duration) implements Event {
    @Override public ThreadRef thread() { return null; }
  }

  record RcuSync(Pos pos) implements Event {
    @Override public ThreadRef thread() { return null; }
  }
}
