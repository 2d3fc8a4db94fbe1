package dev.kss.ast;

import java.util.List;

/**
 * One {@code KEY VALUE ...} line of a {@code machine}, {@code policy} or JS option block, or a
 * nested block {@code KEY { ... }} ({@code block} non-null, {@code values} empty).
 */
public record Setting(Ident key, List<Value> values, List<Setting> block) {

  public enum Kind { WORD, NUMBER, STRING, COMMA }

  /**
   * A value as written. A number carries its unit (a number followed by a unit word such as
   * KiB, pages or ns is one value); {@code number} is then scaled as in {@link Expr.Num}.
   */
  public record Value(Pos pos, Kind kind, String text, double number, Unit unit) {}
}
