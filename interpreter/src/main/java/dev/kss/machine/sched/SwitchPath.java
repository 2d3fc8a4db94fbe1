package dev.kss.machine.sched;

/**
 * What a context switch does besides changing the running thread, as the stack policies see it:
 * the steps of __schedule() and finish_task_switch() around the switch (kernel/sched/core.c).
 * The scheduler calls them in that order; the machine's stack layer implements them.
 */
public interface SwitchPath {
  /** {@code prev} leaves {@code cpu} (alive or dead): the policy's switch-out step, the per-CPU supply refill. */
  void switchOut(Task prev, Cpu cpu);

  /** finish_task_switch(): {@code prev} died and has now left the CPU; put_task_stack() releases its stack. */
  void finishDead(Task prev, Cpu cpu);

  /** {@code next} is switched in: the policy's switch-in step, and switch_to() pops its saved registers from its stack. */
  void switchIn(Task next, Cpu cpu);

  /** The switch is over; it cost {@code cost} ns (for its latency). */
  void switched(Cpu cpu, Task prev, Task next, long cost);
}
