package dev.kss.ast;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
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

  /** The most a script or module may weigh; a larger file (or {@code /dev/zero}) is refused unread. */
  public static final int MAX_BYTES = 64 << 20;

  /**
   * Reads a UTF-8 file; a byte-order mark at its start is skipped. A file larger than
   * {@link #MAX_BYTES} is an {@link IOException} ("larger than 64 MiB"), read no further than that;
   * bytes that are not UTF-8 are a {@link ScriptError} at the first of them.
   */
  public static Source read(Path path, String name) throws IOException {
    return decode(name, readAtMost(path, MAX_BYTES), path);
  }

  private static byte[] readAtMost(Path path, int max) throws IOException {
    if (Files.isRegularFile(path) && Files.size(path) > max) throw tooLarge(max);
    try (InputStream in = Files.newInputStream(path)) {
      byte[] bytes = in.readNBytes(max); // a device or a pipe has no size to ask first
      if (bytes.length == max && in.read() != -1) throw tooLarge(max);
      return bytes;
    }
  }

  private static IOException tooLarge(int max) {
    return new IOException("larger than " + (max >> 20) + " MiB, the most a script may be");
  }

  /** {@code bytes} as UTF-8 text, without a leading byte-order mark. */
  private static Source decode(String name, byte[] bytes, Path path) {
    int start = bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf ? 3 : 0;
    ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
    CharBuffer out = CharBuffer.allocate(bytes.length - start);
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    CoderResult result = utf8.decode(in, out, true);
    if (!result.isError()) result = utf8.flush(out);
    if (!result.isError()) return new Source(name, out.flip().toString(), path);
    // Where the first bad byte is: the line and column of what decodes before it.
    int bad = in.position();
    String before = out.flip().toString();
    int lineStart = before.lastIndexOf('\n') + 1;
    int line = 1 + (int) before.chars().filter(c -> c == '\n').count();
    int col = 1 + before.codePointCount(lineStart, before.length());
    String shown = new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8); // bad bytes as U+FFFD
    Source source = new Source(name, shown, path);
    throw new ScriptError(new Pos(source, line, col), String.format("not valid UTF-8 (byte 0x%02X)", bytes[bad] & 0xff));
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
