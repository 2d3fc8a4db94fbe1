package dev.kss.machine.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings of one block ({@code policy}, {@code machine}, {@code tlb}, {@code costs}), one row a
 * setting: its key, the values it takes, what it means and where that comes from, and how it is
 * applied. The row is the setting's one declaration: the keys the checker accepts, the REPL's
 * completion, error messages and the documentation's tables are all read from it.
 */
public final class SettingTable<T> {
  /** Applies a setting's values to {@code target}, or says what is wrong with them. */
  public interface Apply<T> { void apply(T target, List<Arg> args) throws SettingError; }

  /** One setting: {@code values} says what it takes (for people), {@code meaning} what it does and its source. */
  public record Row<T>(String key, String values, String meaning, Apply<T> apply) {}

  private final String what;
  private final Map<String, Row<T>> rows = new LinkedHashMap<>();

  /** {@code what}: how an unknown key is described ("policy setting", "cost"). */
  public SettingTable(String what, List<Row<T>> rows) {
    this.what = what;
    for (Row<T> r : rows) if (this.rows.put(r.key(), r) != null) throw new IllegalArgumentException("setting " + r.key() + " twice");
  }

  public static <T> Row<T> row(String key, String values, String meaning, Apply<T> apply) {
    return new Row<>(key, values, meaning, apply);
  }

  public void set(T target, String key, List<Arg> args) throws SettingError {
    Row<T> r = rows.get(key);
    if (r == null) throw new SettingError(-1, "unknown " + what + " '" + key + "', expected one of " + String.join(", ", keys()));
    r.apply().apply(target, args);
  }

  public List<String> keys() { return List.copyOf(rows.keySet()); }

  public List<Row<T>> rows() { return List.copyOf(rows.values()); }
}
