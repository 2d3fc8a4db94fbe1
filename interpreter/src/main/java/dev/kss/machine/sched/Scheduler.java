package dev.kss.machine.sched;

import dev.kss.machine.base.Copier;
import dev.kss.machine.base.SimError;
import dev.kss.machine.cost.Clock;
import dev.kss.machine.cost.CostModel.Primitive;
import dev.kss.machine.rcu.RcuState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The CPUs, the live threads and explicit scheduling, as LANGUAGE.md says: an event on a runnable
 * thread that is not the one running on its CPU first switches that CPU to it; a thread that sleeps
 * or dies leaves its CPU idle. Each CPU passes an RCU quiescent state when it switches.
 */
public final class Scheduler {
  private final Cpu[] cpus;
  private final ArrayList<Task> live;
  private final Clock clock;
  private final RcuState<?> rcu;
  private SwitchPath path;

  public Scheduler(Cpu[] cpus, Clock clock, RcuState<?> rcu) {
    this.cpus = cpus;
    this.live = new ArrayList<>();
    this.clock = clock;
    this.rcu = rcu;
  }

  private Scheduler(Scheduler o, Copier c, Clock clock, RcuState<?> rcu) {
    cpus = new Cpu[o.cpus.length];
    for (int i = 0; i < cpus.length; i++) {
      Cpu x = o.cpus[i];
      Cpu y = cpus[i] = new Cpu(x.id, x.node);
      y.current = Task.copy(x.current, c);
      y.runnable = x.runnable;
    }
    live = new ArrayList<>(o.live.size());
    for (Task t : o.live) live.add(Task.copy(t, c));
    this.clock = clock;
    this.rcu = rcu;
  }

  /** A copy over the copies of the clock and RCU; its switch path is set again by its owner. */
  public Scheduler copy(Copier c, Clock clock, RcuState<?> rcu) { return new Scheduler(this, c, clock, rcu); }

  public void setPath(SwitchPath path) { this.path = path; }

  public Cpu cpu(int id) { return cpus[id]; }

  public int cpus() { return cpus.length; }

  /** The live threads, in no particular order (a thread that dies takes the place of the last). */
  public List<Task> live() { return Collections.unmodifiableList(live); }

  // ---------------------------------------------------------------- threads come and go

  /** A new thread, runnable on its CPU. */
  public void add(Task t) {
    cpus[t.cpu].runnable++;
    t.liveIndex = live.size();
    live.add(t);
  }

  /** {@code t} died: no longer runnable, no longer live (it may still be running on its CPU, until switched out). */
  public void remove(Task t) {
    t.state = Task.State.DEAD;
    cpus[t.cpu].runnable--;
    Task last = live.remove(live.size() - 1);
    if (last != t) {
      live.set(t.liveIndex, last);
      last.liveIndex = t.liveIndex;
    }
    t.liveIndex = -1;
  }

  // ---------------------------------------------------------------- checks

  public static void requireAlive(Task t, String event) {
    if (!t.alive()) throw new SimError("'" + t + "' " + t.death + "; it cannot " + event);
  }

  public void checkCpu(int cpu) {
    if (cpu < 0 || cpu >= cpus.length)
      throw new SimError("cpu " + cpu + " does not exist: the machine has cpus 0 to " + (cpus.length - 1));
  }

  /** {@code t} must be alive and runnable; its CPU is switched to it if it runs something else. */
  public void ensureRunning(Task t, String event) {
    requireAlive(t, event);
    if (t.state == Task.State.SLEEPING)
      throw new SimError("'" + t + "' is sleeping: wake it before '" + event + "'");
    Cpu cpu = cpus[t.cpu];
    if (cpu.current != t) switchTo(cpu, t);
  }

  // ---------------------------------------------------------------- switching

  /** __schedule() on {@code cpu}: from its current thread (or idle) to {@code next} (null: idle). */
  public void switchTo(Cpu cpu, Task next) {
    Task prev = cpu.current;
    if (prev == next) return;
    if (prev != null && prev.alive() && prev.atomic())
      throw new SimError("cpu " + cpu.id + " cannot switch from '" + prev + "' to "
          + (next == null ? "idle" : "'" + next + "'") + ": '" + prev + "' has preemption or IRQs disabled");
    long outer = clock.beginNested();
    clock.charge(Primitive.CONTEXT_SWITCH);
    if (prev != null) path.switchOut(prev, cpu);
    cpu.current = next;
    rcu.quiescent(cpu.id, clock.now(cpu.id));
    if (prev != null && !prev.alive()) path.finishDead(prev, cpu);
    if (next != null) path.switchIn(next, cpu);
    long cost = clock.opCost();
    path.switched(cpu, prev, next, cost);
    clock.endNested(outer);
  }

  /** {@code t} (running) goes to sleep: not runnable until woken; its CPU goes idle. */
  public void block(Task t) {
    t.state = Task.State.SLEEPING;
    cpus[t.cpu].runnable--;
  }

  /** {@code t} (sleeping) is runnable again on {@code cpu} (-1: where it last ran). */
  public void wake(Task t, int cpu) {
    t.cpu = cpu < 0 ? t.cpu : cpu;
    t.state = Task.State.RUNNABLE;
    cpus[t.cpu].runnable++;
  }

  /** {@code t} moves to {@code cpu}; if it was running, its old CPU goes idle first. */
  public void migrate(Task t, int cpu) {
    Cpu from = cpus[t.cpu];
    if (from.current == t) {
      if (t.atomic()) throw new SimError("'" + t + "' cannot migrate with preemption or IRQs disabled");
      switchTo(from, null);
    }
    if (t.state == Task.State.RUNNABLE) {
      from.runnable--;
      cpus[cpu].runnable++;
    }
    t.cpu = cpu;
  }

  public void state(dev.kss.machine.base.State s) {
    for (Cpu c : cpus) s.put(c.current == null ? null : c.current.name).put(c.runnable);
    s.put(live.size());
    for (int i = 0; i < live.size(); i++) live.get(i).state(s);
  }
}
