package dev.kss.repl;

import dev.kss.machine.Machine;
import dev.kss.run.Session;

/**
 * A frozen copy of a session (Session.copy: its machine, cursor, variables, threads and generator;
 * the checked program and its AST are shared, the checker keeps adding to them). Restoring gives a
 * new copy, so a checkpoint can be gone back to any number of times.
 */
final class Checkpoint {
  private final Session copy;
  private final long size;

  private Checkpoint(Session copy) {
    this.copy = copy;
    this.size = estimate(copy);
  }

  /** Throws IllegalStateException when the session runs a JS policy (its JavaScript state cannot be copied). */
  static Checkpoint of(Session s) { return new Checkpoint(s.copy()); }

  /** A new, independent session in the state this one was taken in. */
  Session restore() { return copy.copy(); }

  /** Roughly what the checkpoint holds, in bytes, for the timeline's budget. */
  long size() { return size; }

  /**
   * A copy shares what it did not change with the session it came from (the TLBs, page tables and
   * free lists, until either side writes), so what it really adds is not known; we count what a copy
   * of its own would take: about 256 bytes a thread with its stack, 48 KiB a TLB in use, 16 KiB else.
   */
  private static long estimate(Session s) {
    Machine m = s.machine();
    long tlbs = 0;
    for (int c = 0; c < m.kernel().cpus(); c++) if (m.kernel().mmu.tlbOf(c) != null) tlbs++;
    return 16_384 + 256L * m.liveTasks().size() + 49_152 * tlbs;
  }
}
