package dev.kss.ast;

import java.util.List;

/** Declarations and control flow; events are the {@link Event} branch of this family. */
public sealed interface Stmt permits Stmt.Machine, Stmt.Use, Stmt.PolicyDecl, Stmt.JsPolicy, Stmt.DistDecl,
    Stmt.Let, Stmt.Seed, Stmt.DefaultPolicy, Stmt.Parallel, Stmt.Explore, Stmt.Repeat, Stmt.For, Stmt.If, Stmt.Expect, Stmt.Print, Event {
  Pos pos();

  /** {@code machine { KEY VALUE ... }} */
  record Machine(Pos pos, List<Setting> settings) implements Stmt {}

  /** {@code use linux} (a stdlib module) or {@code use "path.kss"} (relative to this file). */
  record Use(Pos pos, String name, boolean isPath, Pos namePos) implements Stmt {}

  /** {@code policy NAME [extends BASE] [{ SETTING ... }]}; {@code base} null: the built-in default. */
  record PolicyDecl(Pos pos, Ident name, Ident base, List<Setting> settings) implements Stmt {}

  /** {@code policy NAME = js "file.js" [extends BASE] [{ KEY VALUE ... }]} */
  record JsPolicy(Pos pos, Ident name, String file, Pos filePos, Ident base, List<Setting> options) implements Stmt {}

  /** {@code dist NAME = histogram { SIZE: PCT, ... } | uniform(A, B) | fixed(A)} */
  record DistDecl(Pos pos, Ident name, Dist dist) implements Stmt {}

  sealed interface Dist {}
  record Bucket(Expr size, Expr weight) {}
  record Histogram(List<Bucket> buckets) implements Dist {}
  record Uniform(Expr low, Expr high) implements Dist {}
  record Fixed(Expr size) implements Dist {}

  record Let(Pos pos, Ident name, Expr value) implements Stmt {}

  record Seed(Pos pos, Expr value) implements Stmt {}

  record DefaultPolicy(Pos pos, Ident policy) implements Stmt {}

  /**
   * {@code parallel { cpu 0 { ... } cpu 1 { ... } }}: each program runs on its CPU's clock, all at
   * the same time; their events are merged in time order.
   */
  record Parallel(Pos pos, List<CpuProgram> programs) implements Stmt {}

  /**
   * {@code explore { cpu 0 { ... } cpu 1 { ... } }}: every interleaving of the programs' events
   * that keeps each program's order, each from the machine as it was before; what follows sees
   * the machine as if it had been {@code parallel}.
   */
  record Explore(Pos pos, List<CpuProgram> programs) implements Stmt {}

  /** {@code cpu N { ... }}: one CPU's program inside {@code parallel} or {@code explore}. */
  record CpuProgram(Pos pos, Expr cpu, List<Stmt> body) {}

  record Repeat(Pos pos, Expr count, List<Stmt> body) implements Stmt {}

  /** {@code for I in A..B { ... }}: A to B inclusive. */
  record For(Pos pos, Ident var, Expr from, Expr to, List<Stmt> body) implements Stmt {}

  /** {@code otherwise} is empty when there is no else. */
  record If(Pos pos, Expr cond, List<Stmt> then, List<Stmt> otherwise) implements Stmt {}

  /**
   * {@code text} is the expression as written, for the report; {@code quantifier} null for a plain
   * expectation, else over the interleavings of the nearest {@code explore} before it.
   */
  record Expect(Pos pos, Expr cond, String text, Quantifier quantifier, Pos quantifierPos) implements Stmt {
    public Expect(Pos pos, Expr cond, String text) { this(pos, cond, text, null, null); }
  }

  /** {@code exists}: some interleaving ends with COND; {@code never}: none does; {@code always}: all do. */
  enum Quantifier {
    EXISTS, NEVER, ALWAYS;

    public String keyword() { return name().toLowerCase(); }
  }

  record Print(Pos pos, List<Expr> values) implements Stmt {}
}
