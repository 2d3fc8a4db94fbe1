package dev.kss.check;

import dev.kss.machine.metrics.MetricCatalog;

/** What a name in an expression ({@code x}, {@code cache.hit_rate}, {@code dyn.stacks.resident}) stands for. */
public sealed interface Ref {
  record Var(int slot, Type type) implements Ref {}

  /** {@code scope} null: the metric over the whole machine. */
  record Metric(MetricCatalog.Info info, PolicyDef scope) implements Ref {}

  record Const(boolean value) implements Ref {}
}
