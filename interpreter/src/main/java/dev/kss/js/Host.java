package dev.kss.js;

import dev.kss.machine.mem.Numa;
import org.graalvm.polyglot.HostAccess.Export;

/**
 * Everything a JS policy can do to the machine, and nothing more: this facade is the only host
 * object its context sees (the prelude wraps it as {@code kss}). Every request goes to
 * {@link JsRequests}, which validates it; an invalid one ejects the policy.
 */
public final class Host {
  private final JsRequests r;
  private final Numa numa;

  /** {@code r} null: the checker's probe, which only knows the machine's shape. */
  Host(JsRequests r, int cpus, int nodes) {
    this.r = r;
    this.numa = new Numa(cpus, nodes);
  }

  @Export public int cpus() { return numa.cpus(); }
  @Export public int nodes() { return numa.nodes(); }

  private JsRequests r() {
    if (r == null) throw new IllegalStateException("kss may only be used inside hooks, not when the module loads");
    return r;
  }

  @Export public int nodeOf(int cpu) { return r().nodeOf(cpu); }
  /** The node of CPU {@code cpu} by the machine's shape (mem.Numa); for the prelude's table. */
  @Export public int nodeOfShape(int cpu) {
    if (cpu < 0 || cpu >= numa.cpus()) throw new IllegalArgumentException("cpu " + cpu);
    return numa.nodeOf(cpu);
  }
  @Export public double now() { return r().now(); }
  @Export public int cpu() { return r().cpu(); }
  @Export public String threadName(int id) { return r().threadName(id); }
  @Export public ThreadView thread() { return r().thread(); }
  @Export public int threadCount() { return r().listThreads(); }
  @Export public ThreadView threadAt(int i) { return r().threadAt(i); }
  @Export public double freeFrames() { return r().freeFrames(); }
  @Export public double totalFrames() { return r().totalFrames(); }

  @Export public int allocFrame(int node) { return r().allocFrame(node); }
  @Export public void freeFrame(int pfn) { r().freeFrame(pfn); }
  // Stacks by number (the prelude's stack objects carry it; CallLayout.NONE: not a stack, FREED: a freed stack object)
  @Export public void map(int stack, int page, int pfn) { r().map(stack, page, pfn); }
  @Export public int unmap(int stack, int page) { return r().unmap(stack, page); }
  @Export public boolean stackMapped(int stack, int page) { return view(stack).mapped(page); }
  @Export public int stackMappedCount(int stack) { return view(stack).mappedCount(); }
  @Export public boolean stackAccessed(int stack, int page) { return view(stack).accessed(page); }
  @Export public boolean stackLive(int stack) { return view(stack).live(); }

  private StackView view(int id) {
    StackView v = r().stackById(id);
    if (v == null) throw new IllegalArgumentException(id == CallLayout.FREED ? "the stack was freed" : "stack " + id + " is gone");
    return v;
  }
  @Export public int invalidate(String mode) { return r().invalidate(mode); }

  @Export public void count(String name, double n) { r().count(name, n); }
  /** A count by the counter's number (the prelude maps the declared names to numbers). */
  @Export public void countAt(int i, double n) { r().countAt(i, n); }
  @Export public double random() { return r().random(); }
  @Export public void log(String line) { r().log(line); }
}
