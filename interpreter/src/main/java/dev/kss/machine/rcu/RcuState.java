package dev.kss.machine.rcu;

import dev.kss.machine.base.State;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.IntPredicate;
import java.util.function.UnaryOperator;

/**
 * Tree RCU reduced to what stack freeing needs (kernel/rcu/tree.c). A grace period starts when
 * callbacks are waiting; it ends once every CPU has passed a quiescent state since it started
 * (a context switch, user mode, or idle) and no sooner than the minimum grace period
 * ({@code rcu gp}, 3 ms by default). Its callbacks then run as one batch.
 *
 * <p>Callbacks queued while a grace period is already running wait for the next one, as in the
 * kernel: a grace period only protects readers that started before the callback was queued.
 * (A one-line summary would say they run "at its end"; that would let a stack be reused while a
 * reader that started before its call_rcu still holds it, so we follow the kernel.)
 *
 * <p>A callback is a value of type {@code T} (what to do after the grace period), run by whoever
 * polls: data, so that a copy of the machine copies its callbacks too.
 */
public final class RcuState<T> {
  private final int cpus;
  private final long minGpNs;
  private final boolean[] needQs;
  private int pending;
  private boolean active;
  private long gpStart;
  private List<T> current = new ArrayList<>();
  private List<T> next = new ArrayList<>();
  private long completed;

  public RcuState(int cpus, long minGpNs) {
    this.cpus = cpus;
    this.minGpNs = minGpNs;
    this.needQs = new boolean[cpus];
  }

  private RcuState(RcuState<T> o, UnaryOperator<T> copy) {
    cpus = o.cpus;
    minGpNs = o.minGpNs;
    needQs = o.needQs.clone();
    pending = o.pending;
    active = o.active;
    gpStart = o.gpStart;
    for (T t : o.current) current.add(copy.apply(t));
    for (T t : o.next) next.add(copy.apply(t));
    completed = o.completed;
  }

  /** A copy whose callbacks are {@code copy} of these. */
  public RcuState<T> copy(UnaryOperator<T> copy) { return new RcuState<>(this, copy); }

  /**
   * call_rcu(): {@code cb} runs after a full grace period from now. {@code quiescent} says which CPUs
   * are in an extended quiescent state now (idle or in user mode). Returns true when this started a
   * grace period.
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

  /** CPU {@code cpu} passed a quiescent state. */
  public void quiescent(int cpu) {
    if (active && needQs[cpu]) {
      needQs[cpu] = false;
      pending--;
    }
  }

  /**
   * Ends the grace period if it may end by {@code now} (the next one starts at once when callbacks
   * wait for it); returns the callbacks to run now, or an empty list.
   */
  public List<T> poll(long now, IntPredicate quiescent) {
    if (!active || pending > 0 || now < gpStart + minGpNs) return List.of();
    active = false;
    completed++;
    List<T> batch = current;
    current = next;
    next = new ArrayList<>();
    if (!current.isEmpty()) start(now, quiescent);
    return batch;
  }

  /** The earliest time the running grace period can end if every CPU reports, or -1 when none runs. */
  public long earliestEnd() { return active ? gpStart + minGpNs : -1; }

  /** Every CPU passes a quiescent state (time passes: the scheduler tick sees each one). */
  public void allQuiescent() {
    for (int c = 0; c < cpus; c++) quiescent(c);
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
    s.put(active).put(gpStart).put(pending).put(completed);
    for (boolean b : needQs) s.put(b);
    s.put(current.size());
    for (T t : current) callback.accept(t, s);
    s.put(next.size());
    for (T t : next) callback.accept(t, s);
  }

  private void start(long now, IntPredicate quiescent) {
    active = true;
    gpStart = now;
    pending = 0;
    for (int c = 0; c < cpus; c++) {
      boolean q = quiescent.test(c);
      needQs[c] = !q;
      if (!q) pending++;
    }
  }
}
