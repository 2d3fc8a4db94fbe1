package dev.kss.machine.config;

/**
 * One value after a setting's key in a {@code machine { ... }} or {@code policy { ... }} block,
 * as the parser read it: {@code backing vmalloc} has one WORD arg, {@code size 16 KiB} one SIZE arg,
 * {@code grow on enter to 16 KiB} has WORD, WORD, WORD, SIZE.
 *
 * <p>Numbers are already scaled to base units: SIZE in bytes, DURATION in nanoseconds, PERCENT as a
 * fraction (5% is 0.05). PAGES keeps the page count, since the page size is the machine's.
 */
public record Arg(Kind kind, String word, double number) {
  public enum Kind { WORD, NUMBER, SIZE, PAGES, DURATION, PERCENT, STRING, COMMA }

  public static Arg word(String w) { return new Arg(Kind.WORD, w, 0); }
  public static Arg number(double n) { return new Arg(Kind.NUMBER, null, n); }
  public static Arg size(double bytes) { return new Arg(Kind.SIZE, null, bytes); }
  public static Arg pages(double n) { return new Arg(Kind.PAGES, null, n); }
  public static Arg duration(double ns) { return new Arg(Kind.DURATION, null, ns); }
  public static Arg percent(double f) { return new Arg(Kind.PERCENT, null, f); }
  public static Arg string(String s) { return new Arg(Kind.STRING, s, 0); }
  public static final Arg COMMA = new Arg(Kind.COMMA, ",", 0);

  public boolean isWord(String w) { return kind == Kind.WORD && word.equals(w); }

  @Override public String toString() {
    return switch (kind) {
      case WORD, COMMA -> word;
      case STRING -> '"' + word + '"';
      case NUMBER -> fmt(number);
      case SIZE -> fmt(number) + " B";
      case PAGES -> fmt(number) + " pages";
      case DURATION -> fmt(number) + " ns";
      case PERCENT -> fmt(number * 100) + "%";
    };
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
