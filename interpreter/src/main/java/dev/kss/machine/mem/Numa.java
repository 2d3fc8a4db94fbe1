package dev.kss.machine.mem;

/**
 * How CPUs sit on NUMA nodes: in equal, consecutive runs (CPU c on node c * nodes / cpus), the
 * layout of a machine whose firmware numbers each socket's CPUs together. The one definition of it:
 * physical memory, the JS host and the REPL all ask here.
 */
public record Numa(int cpus, int nodes) {
  public int nodeOf(int cpu) { return (int) ((long) cpu * nodes / cpus); }

  /** The lowest-numbered CPU of {@code node}. */
  public int firstCpuOf(int node) { return (int) (((long) node * cpus + nodes - 1) / nodes); }
}
