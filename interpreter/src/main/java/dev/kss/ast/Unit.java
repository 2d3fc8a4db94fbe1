package dev.kss.ast;

/** The unit of a number literal. Values are stored scaled: bytes, page counts, nanoseconds, fractions. */
public enum Unit {
  NONE, BYTES, PAGES, NS, PERCENT,
  /** A word after a number that is no unit; the checker reports it, knowing what was expected. */
  UNKNOWN;

  public static final String SIZE_UNITS = "B, KiB, MiB, GiB, TiB, page, pages";
  public static final String DURATION_UNITS = "ns, us, ms, s";

  /** The multiplier of a unit word, or 0 when it is none. */
  public static double scale(String word) {
    return switch (word) {
      case "B", "page", "pages", "ns" -> 1;
      case "KiB" -> 1L << 10;
      case "MiB" -> 1L << 20;
      case "GiB" -> 1L << 30;
      case "TiB" -> 1L << 40;
      case "us" -> 1e3;
      case "ms" -> 1e6;
      case "s" -> 1e9;
      default -> 0;
    };
  }

  public static Unit of(String word) {
    return switch (word) {
      case "B", "KiB", "MiB", "GiB", "TiB" -> BYTES;
      case "page", "pages" -> PAGES;
      case "ns", "us", "ms", "s" -> NS;
      default -> UNKNOWN;
    };
  }
}
