package dev.kss.trace;

/**
 * One event of a recorded trace that a replay uses, as {@code perf script} printed it: the
 * scheduler's tracepoints (include/trace/events/sched.h) and the vmalloc ones
 * (include/trace/events/vmalloc.h, 6.x). {@code time} is the trace's clock in nanoseconds,
 * {@code cpu} the CPU that recorded it, {@code line} where it stands in the trace file; the
 * {@link Header} also names the task that was running on that CPU when it was recorded.
 */
public sealed interface TraceEvent {
  Header at();

  default long time() { return at().time(); }
  default int cpu() { return at().cpu(); }
  default long line() { return at().line(); }

  /** What every event line starts with: {@code COMM PID [CPU] SECONDS:}, and its line number. */
  record Header(long line, String comm, int pid, int cpu, long time) {}

  /** sched_process_fork: {@code parent} forked {@code child} (on this CPU, where the kernel allocated its stack). */
  record Fork(Header at, int parent, int child, String childComm) implements TraceEvent {}

  /** sched_process_exit: {@code pid} exits (it leaves its CPU at its next sched_switch, in state Z or X). */
  record Exit(Header at, int pid, String comm) implements TraceEvent {}

  /**
   * sched_switch: this CPU goes from {@code prev} (left in state {@code prevState}: R running, S
   * or D asleep, Z or X dead...) to {@code next}; pid 0 is the idle task.
   */
  record Switch(Header at, int prev, String prevComm, char prevState, int next, String nextComm)
      implements TraceEvent {}

  /** sched_migrate_task: {@code pid} moves from {@code from} to {@code to}. */
  record Migrate(Header at, int pid, String comm, int from, int to) implements TraceEvent {}

  /** sched_wakeup_new: the new task {@code pid} is placed on {@code target} (wake_up_new_task). */
  record WakeupNew(Header at, int pid, String comm, int target) implements TraceEvent {}

  /**
   * alloc_vmap_area: an area of {@code size} bytes (guard page included) aligned to {@code align}
   * at {@code vaStart}; {@code chain} tells whether a call chain was recorded under it, and
   * {@code forkPath} whether that chain runs through copy_process().
   */
  record VmapAlloc(Header at, long vaStart, long size, long align, boolean failed, boolean chain, boolean forkPath)
      implements TraceEvent {
    VmapAlloc withChain(boolean forkPath) { return new VmapAlloc(at, vaStart, size, align, failed, true, this.forkPath || forkPath); }
  }

  /** free_vmap_area_noflush: the area at {@code vaStart} is freed (its TLB flush left for a lazy purge). */
  record VmapFree(Header at, long vaStart) implements TraceEvent {}

  /** purge_vmap_area_lazy: a lazy purge of freed areas (one TLB flush for all of them). */
  record Purge(Header at) implements TraceEvent {}
}
