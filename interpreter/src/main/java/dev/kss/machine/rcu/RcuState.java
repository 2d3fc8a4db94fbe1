package dev.kss.machine.rcu;

import dev.kss.machine.base.State;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.IntPredicate;
import java.util.function.UnaryOperator;

/**
 * Tree RCU reduced to what stack freeing needs (kernel/rcu/tree.c), over per-CPU time. A grace
 * period starts when callbacks are waiting, at the time of the call_rcu() that started it; it ends
 * once every CPU has passed a quiescent state at or after that time, in that CPU's own time (a
 * context switch, a return to user mode, or being idle or in user mode already), and no sooner than
 * the minimum grace period ({@code rcu gp}, 3 ms by default). It ends at the latest of those times,
 * and its callbacks then run as one batch. A CPU that stays in the kernel without a quiescent state
 * holds the grace period open.
 *
 * <p>Callbacks queued while a grace period is already running wait for the next one, as in the
 * kernel: a grace period only protects readers that started before the callback was queued.
 *
 * <p>A callback is a value of type {@code T} (what to do after the grace period), run by whoever
 * polls: data, so that a copy of the machine copies its callbacks too.
 */
public final class RcuState<T> {
  private final int cpus;
  private final long minGpNs;
  /** When each CPU passed its quiescent state in the running grace period, or -1 while it has not. */
  private final long[] qsAt;
  private int pending;
  private boolean active;
  private long gpStart;
  /** The latest quiescent state of the running grace period so far. */
  private long lastQs;
  private List<T> current = new ArrayList<>();
  private List<T> next = new ArrayList<>();
  private long completed;
  /** The last grace period that ended, for the invariant checker. */
  private Ended last;

  /** A grace period that ended: when it started and ended, and each CPU's quiescent state in it. */
  public record Ended(long start, long end, long[] qsAt) {}

  public RcuState(int cpus, long minGpNs) {
    this.cpus = cpus;
    this.minGpNs = minGpNs;
    this.qsAt = new long[cpus];
  }

  private RcuState(RcuState<T> o, UnaryOperator<T> copy) {
    cpus = o.cpus;
    minGpNs = o.minGpNs;
    qsAt = o.qsAt.clone();
    pending = o.pending;
    active = o.active;
    gpStart = o.gpStart;
    lastQs = o.lastQs;
    for (T t : o.current) current.add(copy.apply(t));
    for (T t : o.next) next.add(copy.apply(t));
    completed = o.completed;
    last = o.last;
  }

  /** A copy whose callbacks are {@code copy} of these. */
  public RcuState<T> copy(UnaryOperator<T> copy) { return new RcuState<>(this, copy); }

  public long minGpNs() { return minGpNs; }

  /**
   * call_rcu() at time {@code now}: {@code cb} runs after a full grace period from then.
   * {@code quiescent} says which CPUs are in an extended quiescent state now (idle or in user mode).
   * Returns true when this started a grace period.
   */
  public boolean call(T cb, long now, IntPredicate quiescent) {
    if (active) {
      next.add(cb);
      return false;
    }
    current.add(cb);
    start(now, quiescent);
    return true;
  }

  /** CPU {@code cpu} passed a quiescent state at time {@code at} (its own clock); one before the grace period began does not count. */
  public void quiescent(int cpu, long at) {
    if (active && qsAt[cpu] < 0 && at >= gpStart) {
      qsAt[cpu] = at;
      if (at > lastQs) lastQs = at;
      pending--;
    }
  }

  /** When the running grace period ends, now that every CPU has reported; -1 while one has not, or none runs. */
  public long end() { return active && pending == 0 ? Math.max(gpStart + minGpNs, lastQs) : -1; }

  /**
   * Ends the running grace period if it ended by {@code now}, and returns its callbacks (empty
   * when it did not). The next grace period starts at its end when callbacks wait for it;
   * {@link #endedAt} says when that was.
   */
  public List<T> poll(long now, IntPredicate quiescent) {
    long end = end();
    if (end < 0 || end > now) return List.of();
    active = false;
    completed++;
    last = new Ended(gpStart, end, qsAt.clone());
    List<T> batch = current;
    current = next;
    next = new ArrayList<>();
    if (!current.isEmpty()) start(end, quiescent);
    return batch;
  }

  /** The end of the last grace period that ended, or -1. */
  public long endedAt() { return last == null ? -1 : last.end; }

  public Ended lastEnded() { return last; }

  /** When the running grace period started (meaningful while {@link #active}). */
  public long started() { return gpStart; }

  /** Every CPU passes a quiescent state at {@code at[c]} or when the grace period began, whichever is later (time passes: the tick sees each one). */
  public void allQuiescent(long[] at) {
    for (int c = 0; c < cpus; c++) quiescent(c, Math.max(at[c], gpStart));
  }

  public boolean active() { return active; }

  public long completed() { return completed; }

  public int waiting() { return current.size() + next.size(); }

  /** Visits the callbacks waiting (this grace period's, then the next one's). */
  public void forEachWaiting(java.util.function.Consumer<T> each) {
    current.forEach(each);
    next.forEach(each);
  }

  public void state(State s, BiConsumer<T, State> callback) {
    s.put(active).put(gpStart).put(pending).put(completed).put(lastQs);
    s.put(qsAt, 0, qsAt.length);
    s.put(current.size());
    for (T t : current) callback.accept(t, s);
    s.put(next.size());
    for (T t : next) callback.accept(t, s);
  }

  private void start(long now, IntPredicate quiescent) {
    active = true;
    gpStart = now;
    lastQs = now;
    pending = 0;
    for (int c = 0; c < cpus; c++) {
      boolean q = quiescent.test(c);
      qsAt[c] = q ? now : -1;
      if (!q) pending++;
    }
  }
}
