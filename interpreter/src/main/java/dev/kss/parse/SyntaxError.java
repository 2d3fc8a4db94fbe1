package dev.kss.parse;

import dev.kss.ast.Pos;
import dev.kss.ast.ScriptError;

/** A script that does not parse. {@link #incomplete()}: the input ended too soon (the REPL reads more). */
public final class SyntaxError extends ScriptError {
  private final boolean incomplete;

  public SyntaxError(Pos pos, String message, boolean incomplete) {
    super(pos, message);
    this.incomplete = incomplete;
  }

  public boolean incomplete() { return incomplete; }
}
