package dev.kss.check;

import dev.kss.machine.metrics.MetricCatalog;

/** What a name in an expression ({@code x}, {@code cache.hit_rate}, {@code dyn.stacks.resident}) stands for. */
public sealed interface Ref {
  record Var(int slot, Type type) implements Ref {}

  /** {@code scope} null: the metric over the whole machine. */
  record Metric(MetricCatalog.Info info, PolicyDef scope) implements Ref {}

  record Const(boolean value) implements Ref {}

  /** A metric of one CPU ({@code cpu[1].tlb.misses}; {@code cpu[0].now} is {@code time.now} there). */
  record CpuMetric(MetricCatalog.Info info, dev.kss.ast.Expr cpu) implements Ref {}

  /** A value of one thread ({@code a.depth}, {@code w[i].state}). */
  record Thread(dev.kss.ast.ThreadRef thread, ThreadProperty property) implements Ref {}
}
