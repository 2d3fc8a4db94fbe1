package dev.kss.machine.rcu;

import java.util.ArrayList;
import java.util.List;

/**
 * Tree RCU reduced to what stack freeing needs (kernel/rcu/tree.c). A grace period starts when
 * callbacks are waiting; it ends once every CPU has passed a quiescent state since it started
 * (a context switch, user mode, or idle) and no sooner than the minimum grace period
 * ({@code rcu gp}, 3 ms by default). Its callbacks then run as one batch.
 *
 * <p>Callbacks queued while a grace period is already running wait for the next one, as in the
 * kernel: a grace period only protects readers that started before the callback was queued.
 * (MODEL.md's one-line summary says they run "at its end"; that would let a stack be reused while a
 * reader that started before its call_rcu still holds it, so we follow the kernel.)
 */
public final class RcuState implements java.io.Serializable {
  /** Work deferred past a grace period, e.g. freeing a dead thread's stack. */
  public interface Callback extends java.io.Serializable { void invoke(); }

  /** Tells whether a CPU is in an extended quiescent state right now (idle or user mode). */
  public interface QuiescentProbe extends java.io.Serializable { boolean quiescent(int cpu); }

  private final int cpus;
  private final long minGpNs;
  private final QuiescentProbe probe;
  private final boolean[] needQs;
  private int pending;
  private boolean active;
  private long gpStart;
  private List<Callback> current = new ArrayList<>();
  private List<Callback> next = new ArrayList<>();
  private long completed;

  public RcuState(int cpus, long minGpNs, QuiescentProbe probe) {
    this.cpus = cpus;
    this.minGpNs = minGpNs;
    this.probe = probe;
    this.needQs = new boolean[cpus];
  }

  /** call_rcu(): {@code cb} runs after a full grace period from now. */
  public void call(Callback cb, long now) {
    if (active) next.add(cb);
    else {
      current.add(cb);
      start(now);
    }
  }

  /** CPU {@code cpu} passed a quiescent state. */
  public void quiescent(int cpu) {
    if (active && needQs[cpu]) {
      needQs[cpu] = false;
      pending--;
    }
  }

  /** Ends the grace period if it may end by {@code now}; returns true if one ended. */
  public boolean poll(long now) {
    if (!active || pending > 0 || now < gpStart + minGpNs) return false;
    finish(now);
    return true;
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

  private void start(long now) {
    active = true;
    gpStart = now;
    pending = 0;
    for (int c = 0; c < cpus; c++) {
      boolean q = probe.quiescent(c);
      needQs[c] = !q;
      if (!q) pending++;
    }
  }

  private void finish(long now) {
    active = false;
    completed++;
    List<Callback> batch = current;
    current = next;
    next = new ArrayList<>();
    if (!current.isEmpty()) start(now);
    for (Callback cb : batch) cb.invoke();
  }
}
