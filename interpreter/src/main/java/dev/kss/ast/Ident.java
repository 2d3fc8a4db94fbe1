package dev.kss.ast;

/** A name as written, with its position: a policy, a dist, a variable. */
public record Ident(Pos pos, String name) {
  @Override public String toString() { return name; }
}
