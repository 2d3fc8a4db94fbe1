package dev.kss.check;

import java.util.List;

/**
 * What the checker needs to know of a policy's hook module (a JS policy): the counters it declares
 * ({@code NAME.js.COUNTER}), the metrics every such policy has, and the period of its reclaim pass
 * (0: none). The run layer attaches it to the machine through its own port (dev.kss.run.HookFactory).
 */
public interface HookModule {
  List<String> counters();

  /** The metrics every hook module has besides its counters; {@link #textMetric} says which one is text. */
  List<String> builtinMetrics();

  boolean textMetric(String name);

  long reclaimEveryNs();
}
