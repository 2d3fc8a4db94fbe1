package dev.kss.machine.base;

import java.util.IdentityHashMap;
import java.util.function.UnaryOperator;

/**
 * One copy of a whole machine in progress: which copy stands for each original, so that an object
 * referred to from several places (a thread's stack from its thread, a cache and an RCU callback) is
 * copied once and every reference in the copy points at that one copy. Threads and stacks, the many,
 * are found by their serial number; the few other shared objects by identity.
 */
public final class Copier {
  /** The kinds of objects found by serial. */
  public static final int TASK = 0, STACK = 1;

  private final Object[][] bySerial = {new Object[64], new Object[64]};
  private final IdentityHashMap<Object, Object> byIdentity = new IdentityHashMap<>();

  /**
   * The copy of {@code original} (of {@code kind}, numbered {@code serial}), made by {@code make}
   * the first time; the maker is given this copier, so that it need not capture it (no allocation
   * per object: a machine copy makes thousands).
   */
  @SuppressWarnings("unchecked")
  public <T> T copy(int kind, int serial, T original, java.util.function.BiFunction<T, Copier, T> make) {
    if (original == null) return null;
    Object[] table = bySerial[kind];
    if (serial >= table.length) table = bySerial[kind] = java.util.Arrays.copyOf(table, Math.max(serial + 1, table.length * 2));
    Object c = table[serial];
    if (c == null) c = table[serial] = make.apply(original, this);
    return (T) c;
  }

  /** The copy of {@code original}, made by {@code make} the first time; for objects that are few. */
  @SuppressWarnings("unchecked")
  public <T> T copy(T original, UnaryOperator<T> make) {
    if (original == null) return null;
    Object c = byIdentity.get(original);
    if (c == null) {
      c = make.apply(original);
      byIdentity.put(original, c);
    }
    return (T) c;
  }

  /** The copy made of {@code original} earlier in this copy, or null (for an object a part holds but does not own). */
  @SuppressWarnings("unchecked")
  public <T> T copied(T original) { return original == null ? null : (T) byIdentity.get(original); }
}
