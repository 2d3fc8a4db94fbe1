package dev.kss.trace;

import dev.kss.machine.base.SimError;
import dev.kss.machine.op.Op;
import dev.kss.machine.sched.Task;
import dev.kss.machine.sched.ThreadKind;
import java.util.HashMap;

/**
 * A recorded trace run on the machine, event by event, through the same operations scripts use
 * (LANGUAGE.md, "replay"): each task is a thread of one policy, forked where the trace forked it
 * (the parent's CPU, where copy_process() allocated the stack), placed and moved as
 * sched_wakeup_new, sched_migrate_task and sched_switch say, asleep in the kernel while it is
 * switched out in S or D, dead at sched_process_exit and gone from its CPU at its last
 * sched_switch (its stack released as its policy says). Trace time drives the CPUs' clocks: an
 * event starts no earlier than its recorded time (later when the model's costs ran past it).
 *
 * <p>The kernel's own vmalloc events only feed {@link KernelStacks}. Events the model cannot
 * carry out as recorded (a task that exits twice, a pid reused while alive, a switch to a task
 * that is gone) are skipped and counted; they never reach the machine.
 */
public final class Replay {
  /** The machine, as the replay reaches it. */
  public interface Driver {
    /** Applies {@code op} no earlier than {@code at} (simulated ns); returns the thread it acted on. */
    Task apply(Op op, long at);

    /** The depth a task switched out asleep is at in the kernel (the replay's depth dist), or -1: as it is. */
    long sleepDepth();

    /** The thread CPU {@code cpu} runs now, or null (idle). */
    Task current(int cpu);
  }

  private final PerfScript in;
  private final TraceSurvey survey;
  private final int policy;
  private final Driver machine;
  private final KernelStacks kernel = new KernelStacks();
  /** The tasks alive, or dead and not yet switched out, by pid. */
  private final HashMap<Integer, Task> tasks = new HashMap<>();
  private long base;
  private long forks, exits, skipped, inferred, lastTime = -1;
  private TraceEvent last;

  public Replay(PerfScript in, TraceSurvey survey, int policy, Driver machine) {
    this.in = in;
    this.survey = survey;
    this.policy = policy;
    this.machine = machine;
  }

  /**
   * Sets up the tasks alive when the trace starts, each on the CPU it was first seen on: those
   * waiting to run asleep in the kernel, those running current on their CPU.
   */
  public void setUp() {
    for (TraceSurvey.Initial i : survey.initial) {
      Task t = apply(new Op.Fork(i.comm() + "-" + i.pid(), i.cpu(), i.kernel() ? ThreadKind.KERNEL : ThreadKind.USER, policy, null), 0);
      tasks.put(i.pid(), t);
      if (!i.running()) sleepInKernel(t, 0);
    }
    for (TraceSurvey.Initial i : survey.initial) if (i.running()) apply(new Op.Run(tasks.get(i.pid())), 0);
  }

  /** The trace's first event happens at simulated time {@code at}. */
  public void start(long at) { base = at; }

  /** Runs the next event of the trace; false at its end. */
  public boolean step() {
    TraceEvent e = in.next();
    if (e == null) return false;
    last = e;
    lastTime = e.time();
    long at = base + (e.time() - survey.first);
    try {
      if (e.at().pid() > 0 && e.cpu() < survey.cpus) follow(e.at(), at);
      switch (e) {
        case TraceEvent.Fork f -> fork(f, at);
        case TraceEvent.Exit x -> exit(x, at);
        case TraceEvent.Switch s -> switched(s, at);
        case TraceEvent.Migrate m -> moveTo(live(m.pid()), m.to(), at);
        case TraceEvent.WakeupNew w -> moveTo(live(w.pid()), w.target(), at);
        default -> kernel.accept(e);
      }
    } catch (SimError x) {
      throw new TraceError(in.name(), e.line(), null, "the model cannot replay this event: " + x.getMessage());
    }
    return true;
  }

  private void fork(TraceEvent.Fork f, long at) {
    Task old = tasks.remove(f.child());
    if (old != null && old.alive()) { skip("fork of a live pid"); die(old, at); }
    Task parent = live(f.parent());
    if (f.cpu() >= survey.cpus) { skip("fork cpu"); return; }
    // Every kernel thread is forked by kthreadd (pid 2, kernel/kthread.c).
    ThreadKind kind = f.parent() == 2 ? ThreadKind.KERNEL : ThreadKind.USER;
    Task t = apply(new Op.Fork(f.childComm() + "-" + f.child(), f.cpu(), kind, policy, parent), at);
    tasks.put(f.child(), t);
    forks++;
  }

  /**
   * sched_process_exit fires early in do_exit(): the task still runs, and may sleep, until its
   * last sched_switch (prev_state Z or X), where the model's exit is applied.
   */
  private void exit(TraceEvent.Exit x, long at) {
    if (live(x.pid()) == null) { skip("exit of unknown"); return; }
    exits++;
  }

  /**
   * The header names the task running on the event's CPU: when the model runs another there (the
   * trace left a switch out, as recordings do at their start and now and then on an idle CPU), the
   * task is switched in first.
   */
  private void follow(TraceEvent.Header h, long at) {
    Task t = live(h.pid());
    if (t == null || machine.current(h.cpu()) == t) return;
    inferred++;
    runOn(t, h.cpu(), at);
  }

  /** {@code t} runs on {@code cpu}: woken or moved there, then switched in. */
  private void runOn(Task t, int cpu, long at) {
    if (t.state == Task.State.SLEEPING) apply(new Op.Wake(t, cpu), at);
    else if (t.cpu != cpu) apply(new Op.Migrate(t, cpu), at);
    apply(new Op.Run(t), at);
    if (t.kind == ThreadKind.USER && t.inKernel && t.preemptCount == 0 && t.irqCount == 0) apply(new Op.Leave(t), at);
  }

  /** {@code t} dies on {@code cpu} (it stays there until its CPU switches away). */
  private void die(Task t, int cpu, long at) {
    if (t.state == Task.State.SLEEPING) apply(new Op.Wake(t, cpu), at);
    else if (t.cpu != cpu) apply(new Op.Migrate(t, cpu), at);
    apply(new Op.Exit(t), at);
  }

  private void die(Task t, long at) { die(t, t.cpu, at); }

  private void switched(TraceEvent.Switch s, long at) {
    int c = s.cpu();
    Task prev = s.prev() > 0 ? tasks.get(s.prev()) : null;
    if (prev != null && prev.alive()) {
      if (machine.current(c) != prev) { inferred++; runOn(prev, c, at); }
      switch (s.prevState()) {
        case 'Z', 'X' -> apply(new Op.Exit(prev), at);   // its last switch: dead, it leaves the CPU now
        case 'R' -> {}                                    // preempted: stays runnable
        default -> sleepInKernel(prev, at);
      }
    }
    Task next = s.next() > 0 ? live(s.next()) : null;
    if (next == null) {
      if (s.next() > 0) skip("switch to gone task");
      apply(new Op.Idle(c), at);
    } else {
      runOn(next, c, at);
    }
    if (prev != null && !prev.alive() && tasks.get(s.prev()) == prev) tasks.remove(s.prev());
  }

  /** A task switched out asleep (S, D, I...): in the kernel, at the replay's depth, until it runs again. */
  private void sleepInKernel(Task t, long at) {
    if (t.kind == ThreadKind.USER && !t.inKernel) apply(new Op.Enter(t), at);
    long d = machine.sleepDepth();
    if (d >= 0) apply(new Op.Depth(t, d), at);
    apply(new Op.Sleep(t), at);
  }

  private void moveTo(Task t, int cpu, long at) {
    if (t == null || cpu >= survey.cpus) { skip("move of unknown"); return; }
    if (t.cpu != cpu) apply(new Op.Migrate(t, cpu), at);
  }

  /** An event the model cannot carry out as recorded ({@code why} says which, for whoever debugs a trace). */
  private void skip(String why) { skipped++; }

  private Task live(int pid) {
    Task t = pid > 0 ? tasks.get(pid) : null;
    return t != null && t.alive() ? t : null;
  }

  private Task apply(Op op, long at) { return machine.apply(op, at); }

  // ---------------------------------------------------------------- what it read

  public TraceSurvey survey() { return survey; }
  public KernelStacks kernel() { return kernel; }
  public long forks() { return forks; }
  public long exits() { return exits; }
  public long skipped() { return skipped; }
  /** Switches the trace left out, inferred from the task an event's header says was running. */
  public long inferred() { return inferred; }
  /** Event lines read so far (every kind). */
  public long events() { return in.eventLines(); }
  /** The trace time from its first event to the last one replayed. */
  public long duration() { return lastTime < 0 ? 0 : lastTime - survey.first; }
  /** The trace event replayed last, or null. */
  public TraceEvent last() { return last; }
  /** The threads of the replay alive now. */
  public int live() {
    int n = 0;
    for (Task t : tasks.values()) if (t.alive()) n++;
    return n;
  }

  public void close() { in.close(); }

  /** A trace metric's value now (NaN: the trace did not record it). */
  public double value(TraceMetric m) {
    return switch (m) {
      case EVENTS -> events();
      case FORKS -> forks;
      case EXITS -> exits;
      case CPUS -> survey.cpus;
      case DURATION -> duration();
      case TASKS_AT_START -> survey.initial.size();
      case SKIPPED -> skipped;
      case INFERRED -> inferred;
      case KERNEL_STACK_VMALLOCS -> kernel.recorded() ? kernel.stackVmallocs() : Double.NaN;
      case KERNEL_STACK_FREES -> kernel.recorded() ? kernel.stackFrees() : Double.NaN;
      case KERNEL_PURGES -> kernel.recorded() ? kernel.purges() : Double.NaN;
      case KERNEL_FORK_HIT_RATE -> kernel.recorded() ? kernel.forkHitRate(forks) : Double.NaN;
    };
  }
}
