package dev.kss.ast;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The text of one script or module, with the name errors use for it (the path as given on the
 * command line, or {@code stdlib/linux.kss}) and, for files, where it lives (for {@code use "x.kss"}).
 */
public final class Source {
  private final String name;
  private final String text;
  private final Path path;
  private int[] lineStarts;

  public Source(String name, String text, Path path) {
    this.name = name;
    this.text = text;
    this.path = path;
  }

  public static Source of(String name, String text) { return new Source(name, text, null); }

  public static Source read(Path path, String name) throws IOException {
    return new Source(name, Files.readString(path, StandardCharsets.UTF_8), path);
  }

  public String name() { return name; }
  public String text() { return text; }
  /** The file, or null for text that did not come from one. */
  public Path path() { return path; }

  /** Line {@code n} (1-based) without its line terminator, or "" past the end. */
  public String line(int n) {
    if (lineStarts == null) {
      int count = 1;
      for (int i = 0; i < text.length(); i++) if (text.charAt(i) == '\n') count++;
      lineStarts = new int[count];
      for (int i = 0, l = 1; i < text.length(); i++) if (text.charAt(i) == '\n') lineStarts[l++] = i + 1;
    }
    if (n < 1 || n > lineStarts.length) return "";
    int start = lineStarts[n - 1];
    int end = n < lineStarts.length ? lineStarts[n] - 1 : text.length();
    if (end > start && text.charAt(end - 1) == '\r') end--;
    return text.substring(start, end);
  }

  @Override public String toString() { return name; }
}
