package dev.kss.run;

import dev.kss.ast.Stmt;

/**
 * One {@code expect} line and how it went: how often it ran, how often it failed, and the values
 * of its comparison (from its first failure, or else from its last run).
 */
public final class Expectation {
  private final Stmt.Expect stmt;
  private int runs;
  private int failures;
  private String values;
  /** For a quantified expectation: what its explore found. */
  private Explorer.Verdict verdict;

  Expectation(Stmt.Expect stmt) { this.stmt = stmt; }

  Expectation copy() {
    Expectation e = new Expectation(stmt);
    e.runs = runs;
    e.failures = failures;
    e.values = values;
    e.verdict = verdict;
    return e;
  }

  void record(boolean held, String values) {
    runs++;
    if (!held) failures++;
    if (held ? failures == 0 : failures == 1) this.values = values;
  }

  void record(boolean held, String values, Explorer.Verdict v) {
    record(held, values);
    verdict = v;
  }

  /** What the explore found for a quantified expectation (its search and witness), or null. */
  public Explorer.Verdict verdict() { return verdict; }

  public Stmt.Expect stmt() { return stmt; }
  public boolean passed() { return failures == 0; }
  public int runs() { return runs; }
  public int failures() { return failures; }
  /** The two sides of the comparison, e.g. {@code 12.55 MiB >= 12.43 MiB}. */
  public String values() { return values; }
}
