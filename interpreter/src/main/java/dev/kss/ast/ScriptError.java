package dev.kss.ast;

/**
 * Something wrong with a script, found by the parser, the checker or while it runs: reported as
 * {@code FILE:LINE:COL: message}, the line, and a caret under the column (exit code 2).
 */
public class ScriptError extends RuntimeException {
  private final Pos pos;

  public ScriptError(Pos pos, String message) {
    super(message, null, false, false);
    this.pos = pos;
  }

  /** An error found while running, caused by {@code cause} (shown with --debug). */
  public ScriptError(Pos pos, String message, Throwable cause) {
    super(message, cause, false, true);
    this.pos = pos;
  }

  public Pos pos() { return pos; }

  /** The three lines of the diagnostic. */
  public String render() {
    String line = pos.source().line(pos.line());
    StringBuilder caret = new StringBuilder();
    // Keep tabs so the caret lines up with the line above it.
    for (int i = 0; i < pos.col() - 1 && i < line.length(); i++) caret.append(line.charAt(i) == '\t' ? '\t' : ' ');
    for (int i = line.length(); i < pos.col() - 1; i++) caret.append(' ');
    return pos + ": " + getMessage() + "\n    " + line + "\n    " + caret + "^\n";
  }
}
