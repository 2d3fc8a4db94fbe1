package dev.kss.machine.config;

import java.util.List;

/** Small readers for setting values, each failing with a message that says what was expected. */
public final class Args {
  private Args() {}

  public static void count(List<Arg> args, int n, String expected) throws SettingError {
    if (args.size() < n) throw new SettingError(-1, "expected " + expected);
    if (args.size() > n) throw new SettingError(n, "unexpected '" + args.get(n) + "', expected end of setting");
  }

  public static String word(List<Arg> args, int i, String... choices) throws SettingError {
    String expected = "one of " + String.join(", ", choices);
    if (i >= args.size()) throw new SettingError(-1, "expected " + expected);
    Arg a = args.get(i);
    if (a.kind() == Arg.Kind.WORD) for (String c : choices) if (c.equals(a.word())) return c;
    throw new SettingError(i, "unexpected '" + a + "', expected " + expected);
  }

  /** A whole number (no unit) within [min, max]. */
  public static long integer(List<Arg> args, int i, long min, long max, String what) throws SettingError {
    if (i >= args.size()) throw new SettingError(-1, "expected " + what);
    Arg a = args.get(i);
    if (a.kind() != Arg.Kind.NUMBER || a.number() != Math.rint(a.number()))
      throw new SettingError(i, "unexpected '" + a + "', expected " + what + " (a whole number)");
    if (a.number() < min || a.number() > max)
      throw new SettingError(i, what + " must be between " + min + " and " + max + ", not " + (long) a.number());
    return (long) a.number();
  }

  /** A size in bytes: {@code 16 KiB}, {@code 4 pages}, or a bare number of bytes. */
  public static long bytes(List<Arg> args, int i, long pageSize, String what) throws SettingError {
    if (i >= args.size()) throw new SettingError(-1, "expected " + what + " (a size such as 16 KiB)");
    Arg a = args.get(i);
    double b = switch (a.kind()) {
      case SIZE, NUMBER -> a.number();
      case PAGES -> a.number() * pageSize;
      default -> throw new SettingError(i, "unexpected '" + a + "', expected " + what + " (a size such as 16 KiB)");
    };
    if (b < 0) throw new SettingError(i, what + " cannot be negative");
    return (long) b;
  }

  /** A page count: {@code 3 pages}, {@code 3}, or a size that is a whole number of pages. */
  public static int pages(List<Arg> args, int i, long pageSize, String what) throws SettingError {
    if (i >= args.size()) throw new SettingError(-1, "expected " + what + " (a number of pages)");
    Arg a = args.get(i);
    double n = switch (a.kind()) {
      case PAGES, NUMBER -> a.number();
      case SIZE -> a.number() / pageSize;
      default -> throw new SettingError(i, "unexpected '" + a + "', expected " + what + " (a number of pages)");
    };
    if (n != Math.rint(n) || n < 0 || n > 1 << 20)
      throw new SettingError(i, what + " must be a whole number of pages");
    return (int) n;
  }

  public static long nanos(List<Arg> args, int i, String what) throws SettingError {
    if (i >= args.size()) throw new SettingError(-1, "expected " + what + " (a duration such as 100 ns)");
    Arg a = args.get(i);
    if (a.kind() != Arg.Kind.DURATION && a.kind() != Arg.Kind.NUMBER)
      throw new SettingError(i, "unexpected '" + a + "', expected " + what + " (a duration such as 100 ns)");
    if (a.number() < 0) throw new SettingError(i, what + " cannot be negative");
    return Math.round(a.number());
  }

  public static boolean yesNo(List<Arg> args, int i) throws SettingError {
    return word(args, i, "yes", "no").equals("yes");
  }

  /** The lower-case names of an enum's values: the words a setting takes. */
  public static String[] words(Enum<?>[] values) {
    String[] w = new String[values.length];
    for (int i = 0; i < values.length; i++) w[i] = values[i].name().toLowerCase();
    return w;
  }

  /** "a, b or c". */
  public static String either(String... words) {
    if (words.length == 1) return words[0];
    return String.join(", ", java.util.Arrays.copyOf(words, words.length - 1)) + " or " + words[words.length - 1];
  }

  /** One of an enum's values, by its lower-case name, the only value of the setting. */
  public static <E extends Enum<E>> E only(List<Arg> args, E[] values) throws SettingError {
    String[] w = words(values);
    count(args, 1, either(w));
    String chosen = word(args, 0, w);
    for (E e : values) if (e.name().toLowerCase().equals(chosen)) return e;
    throw new AssertionError(chosen);
  }
}
