package dev.kss.machine;

import dev.kss.machine.mem.Page;
import dev.kss.machine.mem.Reservations;
import dev.kss.machine.metrics.Latency;
import dev.kss.machine.metrics.Metric;
import dev.kss.machine.metrics.MetricCatalog;
import dev.kss.machine.stack.Kernel;
import dev.kss.machine.stack.Policy;
import java.util.ArrayList;
import java.util.List;

/** The value of a metric now, as the {@link Metric} table says it is had: counted, counted in pages, or derived from the model. */
final class MetricReadout {
  private MetricReadout() {}

  static Object value(Machine m, String name, Policy scope) {
    MetricCatalog.Info info = MetricCatalog.lookup(name);
    if (info == null || info.metric() == null) throw new IllegalArgumentException("unknown metric " + name);
    Kernel k = m.kernel();
    int s = scope == null ? -1 : scope.id;
    Metric metric = info.metric();
    return switch (metric.kind) {
      case COUNTED, LEVEL -> (double) k.metrics.get(metric, s);
      case PAGES -> (double) k.metrics.get(metric, s) * Page.SIZE;
      case LATENCY -> {
        Latency l = k.metrics.latency(info.op(), s);
        yield switch (info.stat()) {
          case "mean" -> l.mean();
          case "p50" -> (double) l.percentile(50);
          case "p99" -> (double) l.percentile(99);
          case "max" -> (double) l.max();
          default -> (double) l.count();
        };
      }
      case DERIVED -> derived(m, metric, scope, s);
    };
  }

  /** A per-CPU metric's value on CPU {@code cpu} ({@link Metric#perCpu}). */
  static double onCpu(Machine m, String name, int cpu) {
    MetricCatalog.Info info = MetricCatalog.lookup(name);
    if (info == null || info.metric() == null || !info.metric().perCpu()) throw new IllegalArgumentException("no per-CPU metric " + name);
    Kernel k = m.kernel();
    Metric metric = info.metric();
    return switch (metric) {
      case TIME_NOW -> k.clock.now(cpu);
      case CACHE_HIT_RATE -> {
        double h = k.metrics.onCpu(Metric.CACHE_HITS, cpu), x = k.metrics.onCpu(Metric.CACHE_MISSES, cpu);
        yield h + x == 0 ? 0.0 : h / (h + x);
      }
      case VIOLATIONS_TOTAL -> {
        long v = 0;
        for (Metric c : Metric.values()) if (c.isViolation()) v += k.metrics.onCpu(c, cpu);
        yield v;
      }
      default -> k.metrics.onCpu(metric, cpu);
    };
  }

  private static Object derived(Machine m, Metric metric, Policy scope, int s) {
    Kernel k = m.kernel();
    return switch (metric) {
      case STACKS_VIRTUAL -> (double) (scope != null ? scope.virtualBytes() : m.policies().stream().mapToLong(Policy::virtualBytes).sum());
      case STACKS_PAGETABLES -> (double) Page.bytes(scope != null ? k.pageTable.tablePages(scope.id) : k.pageTable.tablePages());
      case CACHE_HIT_RATE -> {
        double h = k.metrics.get(Metric.CACHE_HITS, s), x = k.metrics.get(Metric.CACHE_MISSES, s);
        yield h + x == 0 ? 0.0 : h / (h + x);
      }
      case RCU_GRACE_PERIODS -> (double) k.rcu.completed();
      case STACKS_RESIDENT_MEAN -> k.metrics.residentMean(s, k.clock.latest()) * Page.SIZE;
      case VIOLATIONS_TOTAL -> (double) k.metrics.violations(s);
      case TIME_NOW -> (double) k.clock.latest();
      case RESERV_FULL -> (double) reservations(m, scope).stream().mapToLong(Reservations::full).sum();
      case RESERV_PARTIAL -> (double) reservations(m, scope).stream().mapToLong(Reservations::partial).sum();
      case RESERV_BROKEN -> (double) reservations(m, scope).stream().mapToLong(Reservations::broken).sum();
      case RESERV_PATTERN -> String.join("|", reservations(m, scope).stream().map(Reservations::pattern).toList());
      case PHYS_EXCESS -> {
        long reserved = 0, used = 0;
        for (Reservations r : reservations(m, scope)) { reserved += r.reservedFrames(); used += r.populatedFrames(); }
        yield used == 0 ? 0.0 : (double) (reserved - used) / used;
      }
      default -> throw new IllegalStateException("metric " + metric.key + " is not derived");
    };
  }

  private static List<Reservations> reservations(Machine m, Policy scope) {
    List<Reservations> out = new ArrayList<>();
    for (Policy p : m.policies()) if ((scope == null || scope == p) && p.reservations() != null) out.add(p.reservations());
    return out;
  }
}
