package dev.kss.check;

/** The static type of an expression. A plain number converts to a size (bytes) or a duration (ns). */
public enum Type {
  NUMBER("a number"), SIZE("a size"), DURATION("a duration"), TEXT("a string"), BOOL("a condition");

  public final String words;

  Type(String words) { this.words = words; }

  public boolean numeric() { return this == NUMBER || this == SIZE || this == DURATION; }

  /** Whether a value of this type can be used where {@code want} is expected. */
  public boolean fits(Type want) { return this == want || (this == NUMBER && want.numeric()); }
}
