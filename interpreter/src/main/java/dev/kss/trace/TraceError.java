package dev.kss.trace;

/** A trace that cannot be read: the file, the line (0: the file as a whole), its text and what was wrong. */
public final class TraceError extends RuntimeException {
  public final String file;
  public final long line;
  public final String text;

  public TraceError(String file, long line, String text, String problem) {
    super(problem);
    this.file = file;
    this.line = line;
    this.text = text;
  }

  /** {@code FILE:LINE: problem}, then the line as written (shortened when long). */
  public String describe() {
    StringBuilder b = new StringBuilder(file);
    if (line > 0) b.append(':').append(line);
    b.append(": ").append(getMessage());
    if (text != null) b.append("\n  ").append(text.length() > 200 ? text.substring(0, 200) + "..." : text);
    return b.toString();
  }
}
