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

  /** The most of the line the diagnostic shows: a longer line is cut to this much around the caret. */
  static final int WINDOW = 80;

  /** The three lines of the diagnostic. */
  public String render() {
    String line = pos.source().line(pos.line());
    int at = Math.min(Math.max(pos.col() - 1, 0), line.length() + WINDOW); // where the caret goes
    String cut = "...";
    int from = 0;
    if (line.length() > WINDOW) { // show WINDOW characters around the caret, "..." where cut
      from = Math.max(0, Math.min(at - WINDOW / 2, line.length() - WINDOW));
      int to = Math.min(line.length(), from + WINDOW);
      line = (from > 0 ? cut : "") + line.substring(from, to) + (to < line.length() ? cut : "");
      at = at - from + (from > 0 ? cut.length() : 0);
    }
    StringBuilder caret = new StringBuilder();
    // Keep tabs so the caret lines up with the line above it.
    for (int i = 0; i < at && i < line.length(); i++) caret.append(line.charAt(i) == '\t' ? '\t' : ' ');
    for (int i = line.length(); i < at; i++) caret.append(' ');
    return pos + ": " + getMessage() + "\n    " + line + "\n    " + caret + "^\n";
  }
}
