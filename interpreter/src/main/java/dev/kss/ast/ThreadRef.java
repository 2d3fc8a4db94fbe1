package dev.kss.ast;

/** A thread: {@code a}, or one of a family, {@code w[i + 1]} ({@code index} null for a plain name). */
public record ThreadRef(Pos pos, String family, Expr index) {
  public boolean indexed() { return index != null; }
}
