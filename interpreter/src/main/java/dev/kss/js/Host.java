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
  @Export public double now() { return p().k.now; }
  @Export public int cpu() { return p().currentCpu; }
  @Export public ThreadView thread() { return p().current == null ? null : p().view(p().current); }
  @Export public int threadCount() { return p().listThreads(); }
  @Export public ThreadView threadAt(int i) { return p().threadAt(i); }
  @Export public double freeFrames() { return p().k.memory.freeFrames(); }
  @Export public double totalFrames() { return p().k.config.memory / p().k.config.pageSize; }

  @Export public int allocFrame(int node) { return p().allocFrame(node); }
  @Export public void freeFrame(int pfn) { p().freeFrame(pfn); }
  @Export public void map(StackView s, int page, int pfn) { p().map(s, page, pfn); }
  @Export public int unmap(StackView s, int page) { return p().unmap(s, page); }
  @Export public int invalidate(String mode) { return p().invalidate(mode); }

  @Export public void count(String name, double n) { p().count(name, n); }
  @Export public double random() { return p().random(); }
  @Export public void log(String line) { p().log(line); }
}
