package dev.kss.machine.stack;

import dev.kss.machine.metrics.Metric;
import dev.kss.machine.sched.Cpu;
import dev.kss.machine.sched.Task;

/**
 * do_exit() as far as stacks care (kernel/exit.c): a thread that exits, or that an oops kills (a
 * guard-page hit, a fault its policy cannot serve), gives back its expansion segment, stops being
 * live, retires its stack and releases it as its policy says ({@link Release}); its CPU switches
 * away from it.
 */
final class TaskExit {
  private final Kernel k;

  TaskExit(Kernel k) { this.k = k; }

  void exit(Task t) { die(t, "exited"); }

  /** The model kills {@code t} (an oops): as an exit, with the reason in its death. */
  void kill(Task t, String why) { die(t, why); }

  private void die(Task t, String why) {
    Policy p = k.policyOf(t);
    p.releaseSegment(t);
    t.death = why;
    int cpuId = t.cpu;
    Cpu cpu = k.cpu(cpuId);
    k.scheduler.remove(t);
    k.metrics.add(p.id, Metric.THREADS_LIVE, -1);
    k.metrics.inc(p.id, Metric.THREADS_EXITED);
    t.preemptCount = 0;
    t.irqCount = 0;
    p.retire(t.stack);
    k.release.atDeath(t, cpuId);
    if (k.probing) k.probe().death(cpuId, t, k.now(), why);
    if (cpu.current() == t) k.scheduler.switchTo(cpu, null);
  }
}
