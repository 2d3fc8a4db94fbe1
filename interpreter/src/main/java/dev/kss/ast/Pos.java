package dev.kss.ast;

/** Where a node starts: its source, line and column (both 1-based). */
public record Pos(Source source, int line, int col) {
  public String file() { return source.name(); }

  @Override public String toString() { return source.name() + ":" + line + ":" + col; }

  /** {@code LINE:COL}, as the report shows it. */
  public String lineCol() { return line + ":" + col; }
}
