package dev.kss.machine.base;

import java.util.Arrays;

/**
 * What matters of a machine's state, written once by each part of the model ({@code state(State)})
 * and read in two ways: as a hash, or recorded to be compared with another machine's. A part lists
 * exactly what decides the machine's future and its metrics, and nothing else (not a cache of its
 * own, not the order in which independent events happened to run), so two machines that reached
 * the same state by different paths compare equal.
 *
 * <p>Large parts that change rarely ({@link Part}: a TLB, a page-table leaf, the buddy allocator's
 * lists) keep their own hash up to date and are compared by identity first: a copy shares them with
 * its original until one side writes.
 */
public final class State {
  /** A part that hashes and compares itself (and caches its hash until it changes). */
  public interface Part {
    long stateHash();

    boolean sameState(Part other);
  }

  private final boolean recording;
  /** When comparing: the recording compared against, and whether everything so far matched it. */
  private final State against;
  private boolean same = true;
  private long hash = 0x243F6A8885A308D3L;
  private long[] values;
  private int n;
  private Object[] objects;
  private int m;

  private State(boolean recording, int objects) {
    this.recording = recording;
    this.against = null;
    if (recording) {
      values = new long[256 + 2 * objects];
      this.objects = new Object[objects];
    }
  }

  private State(State against) {
    this.recording = false;
    this.against = against;
  }

  /**
   * A state that compares what is put into it with {@code recorded}, as it comes, without
   * recording it: {@link #matches} says whether it was the same (Machine.sameState).
   */
  public static State comparing(State recorded) {
    if (!recorded.recording) throw new IllegalStateException("only a recorded state is compared against");
    return new State(recorded);
  }

  /** For a comparing state: whether everything put matched the recording, and nothing of it was left over. */
  public boolean matches() { return same && n == against.n && m == against.m; }

  public static State hashing() { return new State(false, 0); }

  public static State recording() { return recording(16); }

  /** A recording with room for about {@code objects} parts (the machine's threads, say) before it grows. */
  public static State recording(int objects) { return new State(true, Math.max(16, objects)); }

  public static long mix(long h, long v) {
    h += v * 0x9E3779B97F4A7C15L;
    return Long.rotateLeft(h, 27) * 0xC2B2AE3D27D4EB4FL;
  }

  public State put(long v) {
    if (against != null) {
      if (same && (n >= against.n || against.values[n] != v)) same = false;
      n++;
    } else if (!recording) hash = mix(hash, v);
    else {
      if (n == values.length) values = Arrays.copyOf(values, n * 2);
      values[n++] = v;
    }
    return this;
  }

  public State put(boolean b) { return put(b ? 1 : 0); }

  public State put(double d) { return put(Double.doubleToLongBits(d)); }

  public State put(long[] a, int from, int to) {
    put(to - from);
    for (int i = from; i < to; i++) put(a[i]);
    return this;
  }

  public State put(int[] a, int from, int to) {
    put(to - from);
    for (int i = from; i < to; i++) put(a[i]);
    return this;
  }

  /** A string (or null), by its hash here, by its characters when compared. */
  public State put(String s) {
    if (!recording && against == null) return put(s == null ? 0 : s.hashCode() * 31L + s.length());
    return object(s);
  }

  public State put(Part p) {
    if (!recording && against == null) return put(p == null ? 0 : p.stateHash());
    return object(p);
  }

  private State object(Object o) {
    put(o == null ? 0 : 1);
    if (against != null) {
      if (same && (m >= against.m || !same(o, against.objects[m]))) same = false;
      m++;
      return this;
    }
    if (m == objects.length) objects = Arrays.copyOf(objects, m * 2);
    objects[m++] = o;
    return this;
  }

  public long hash() {
    if (recording) throw new IllegalStateException("a recorded state is compared, not hashed");
    return hash;
  }

  /** Whether two recorded states are the same. */
  public boolean sameAs(State other) {
    if (!recording || !other.recording) throw new IllegalStateException("only recorded states compare");
    if (n != other.n || m != other.m || !Arrays.equals(values, 0, n, other.values, 0, n)) return false;
    for (int i = 0; i < m; i++) if (!same(objects[i], other.objects[i])) return false;
    return true;
  }

  private static boolean same(Object a, Object b) {
    if (a == b) return true;
    if (a == null || b == null || a.getClass() != b.getClass()) return false;
    return a instanceof Part p ? p.sameState((Part) b) : a.equals(b);
  }
}
