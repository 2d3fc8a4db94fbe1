package dev.kss.js;

import org.graalvm.polyglot.HostAccess.Export;

/**
 * Everything a JS policy can do to the machine, and nothing more: this facade is the only host
 * object its context sees (the prelude wraps it as {@code kss}). Every request is validated by
 * {@link JsPolicy}; an invalid one ejects the policy.
 */
public final class Host {
  private final JsPolicy p;
  private final int cpus, nodes;

  /** {@code p} null: the checker's probe, which only knows the machine's shape. */
  Host(JsPolicy p, int cpus, int nodes) {
    this.p = p;
    this.cpus = cpus;
    this.nodes = nodes;
  }

  @Export public int cpus() { return cpus; }
  @Export public int nodes() { return nodes; }

  private JsPolicy p() {
    if (p == null) throw new IllegalStateException("kss may only be used inside hooks, not when the module loads");
    return p;
  }

  @Export public int nodeOf(int cpu) { return p().nodeOf(cpu); }
  /** The node of CPU {@code cpu} by the machine's shape (PhysicalMemory spreads CPUs over nodes in equal runs); for the prelude's table. */
  @Export public int nodeOfShape(int cpu) {
    if (cpu < 0 || cpu >= cpus) throw new IllegalArgumentException("cpu " + cpu);
    return (int) ((long) cpu * nodes / cpus);
  }
  @Export public double now() { return p().k.now; }
  @Export public int cpu() { return p().currentCpu; }
  @Export public String threadName(int id) { return p().threadName(id); }
  @Export public ThreadView thread() { return p().current == null ? null : p().view(p().current); }
  @Export public int threadCount() { return p().listThreads(); }
  @Export public ThreadView threadAt(int i) { return p().threadAt(i); }
  @Export public double freeFrames() { return p().k.memory.freeFrames(); }
  @Export public double totalFrames() { return p().k.config.memory / p().k.config.pageSize; }

  @Export public int allocFrame(int node) { return p().allocFrame(node); }
  @Export public void freeFrame(int pfn) { p().freeFrame(pfn); }
  // Stacks by number (the prelude's stack objects carry it; -1: not a stack, -2: a freed stack object)
  @Export public void map(int stack, int page, int pfn) { p().map(stack, page, pfn); }
  @Export public int unmap(int stack, int page) { return p().unmap(stack, page); }
  @Export public boolean stackMapped(int stack, int page) { return view(stack).mapped(page); }
  @Export public int stackMappedCount(int stack) { return view(stack).mappedCount(); }
  @Export public boolean stackAccessed(int stack, int page) { return view(stack).accessed(page); }
  @Export public boolean stackLive(int stack) { return view(stack).live(); }

  private StackView view(int id) {
    StackView v = p().stackById(id);
    if (v == null) throw new IllegalArgumentException(id == -2 ? "the stack was freed" : "stack " + id + " is gone");
    return v;
  }
  @Export public int invalidate(String mode) { return p().invalidate(mode); }

  @Export public void count(String name, double n) { p().count(name, n); }
  /** A count by the counter's number (the prelude maps the declared names to numbers). */
  @Export public void countAt(int i, double n) { p().countAt(i, n); }
  @Export public double random() { return p().random(); }
  @Export public void log(String line) { p().log(line); }
}
