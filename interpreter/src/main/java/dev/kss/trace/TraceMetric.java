package dev.kss.trace;

import dev.kss.machine.metrics.Metric;

/**
 * What a replay read from its trace (LANGUAGE.md, "replay"): figures of the recording, not of the
 * model. The {@code trace.kernel.*} ones are the recorded kernel's own account of its stacks
 * ({@link KernelStacks}), a reference for the model's prediction. This table is their one
 * declaration: the checker's names, the report and the documentation read it.
 */
public enum TraceMetric {
  EVENTS("trace.events", Metric.Unit.COUNT, "event lines in the trace so far, of every kind"),
  FORKS("trace.forks", Metric.Unit.COUNT, "tasks the trace forked (sched_process_fork)"),
  EXITS("trace.exits", Metric.Unit.COUNT, "tasks that exited (sched_process_exit)"),
  CPUS("trace.cpus", Metric.Unit.COUNT, "CPUs the trace ran on"),
  DURATION("trace.duration", Metric.Unit.NS, "trace time from its first event to the last one replayed"),
  TASKS_AT_START("trace.tasks_at_start", Metric.Unit.COUNT, "tasks alive before the first event (set up first, not counted)"),
  INFERRED("trace.inferred", Metric.Unit.COUNT, "switches the trace left out, inferred from the task its next event ran on"),
  SKIPPED("trace.skipped", Metric.Unit.COUNT, "events the model could not carry out as recorded (skipped)"),
  KERNEL_STACK_VMALLOCS("trace.kernel.stack_vmallocs", Metric.Unit.COUNT, "stack-sized, stack-aligned vmallocs of the fork path"),
  KERNEL_STACK_FREES("trace.kernel.stack_frees", Metric.Unit.COUNT, "those areas freed again"),
  KERNEL_PURGES("trace.kernel.purges", Metric.Unit.COUNT, "lazy vmap purges"),
  KERNEL_FORK_HIT_RATE("trace.kernel.fork_hit_rate", Metric.Unit.RATIO, "1 - stack vmallocs / forks: forks the kernel's stack cache served");

  public final String key;
  public final Metric.Unit unit;
  public final String meaning;

  TraceMetric(String key, Metric.Unit unit, String meaning) {
    this.key = key;
    this.unit = unit;
    this.meaning = meaning;
  }

  public static TraceMetric of(String key) {
    for (TraceMetric m : values()) if (m.key.equals(key)) return m;
    return null;
  }
}
