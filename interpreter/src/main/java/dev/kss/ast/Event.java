package dev.kss.ast;

import java.util.List;

/** The events of LANGUAGE.md: each drives the machine. {@link #thread()} is null for machine-wide ones. */
public sealed interface Event extends Stmt {
  ThreadRef thread();

  /** Its keyword. */
  EventKind kind();

  /** {@code fork T [from P] [on cpu N] [as user|kernel] [policy NAME]}; absent options are null. */
  record Fork(Pos pos, ThreadRef thread, ThreadRef parent, Expr cpu, ThreadKind threadKind, Ident policy) implements Event {
    @Override public EventKind kind() { return EventKind.FORK; }
  }

  enum ThreadKind { USER, KERNEL }

  /** The events that take only a thread: {@code exit a}, {@code enter a}, {@code sleep a}, ... ({@code op} is one of those kinds). */
  record Simple(Pos pos, EventKind op, ThreadRef thread) implements Event {
    @Override public EventKind kind() { return op; }
  }

  /** {@code depth T SIZE} or {@code depth T dist NAME} (exactly one of size, dist). */
  record Depth(Pos pos, ThreadRef thread, Expr size, Ident dist) implements Event {
    @Override public EventKind kind() { return EventKind.DEPTH; }
  }

  /** {@code syscall T [depth SIZE | dist NAME] [{ ... }]}: enter, depth, the body, depth 0, leave. */
  record Syscall(Pos pos, ThreadRef thread, Expr size, Ident dist, List<Stmt> body) implements Event {
    @Override public EventKind kind() { return EventKind.SYSCALL; }
  }

  /** {@code atomic T { ... }} (preemption off around the body) or {@code noirq T { ... }} (IRQs off). */
  record Guarded(Pos pos, boolean irq, ThreadRef thread, List<Stmt> body) implements Event {
    @Override public EventKind kind() { return irq ? EventKind.NOIRQ : EventKind.ATOMIC; }
  }

  record Ensure(Pos pos, ThreadRef thread, Expr size) implements Event {
    @Override public EventKind kind() { return EventKind.ENSURE; }
  }

  /** {@code wake T [on cpu N]}; {@code cpu} null: where it last ran. */
  record Wake(Pos pos, ThreadRef thread, Expr cpu) implements Event {
    @Override public EventKind kind() { return EventKind.WAKE; }
  }

  record Migrate(Pos pos, ThreadRef thread, Expr cpu) implements Event {
    @Override public EventKind kind() { return EventKind.MIGRATE; }
  }

  record Publish(Pos pos, ThreadRef thread, Expr offset) implements Event {
    @Override public EventKind kind() { return EventKind.PUBLISH; }
  }

  record Touch(Pos pos, ThreadRef thread, Expr offset, Expr cpu) implements Event {
    @Override public EventKind kind() { return EventKind.TOUCH; }
  }

  record Advance(Pos pos, Expr duration) implements Event {
    @Override public ThreadRef thread() { return null; }
    @Override public EventKind kind() { return EventKind.ADVANCE; }
  }

  /**
   * {@code replay "FILE" [policy NAME] [depth dist NAME]}: a recorded perf scheduler trace, its
   * tasks threads of {@code policy} (null: the default policy), asleep at depths from {@code dist}
   * (null: as they are).
   */
  record Replay(Pos pos, String file, Pos filePos, Ident policy, Ident dist) implements Event {
    @Override public ThreadRef thread() { return null; }
    @Override public EventKind kind() { return EventKind.REPLAY; }
  }

  record RcuSync(Pos pos) implements Event {
    @Override public ThreadRef thread() { return null; }
    @Override public EventKind kind() { return EventKind.RCU_SYNC; }
  }
}
