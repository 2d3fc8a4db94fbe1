package dev.kss.js;

import dev.kss.check.HookModule;
import java.util.List;

/**
 * A checked {@code policy NAME = js "file.js" [extends BASE] [{ OPTIONS }]}: the module's text and
 * the name errors show for it, the options as JSON, and what the check found in the module (its
 * hooks and declared counters). {@code where} is the declaration, for messages.
 */
record JsSpec(String policy, String file, String text, String optionsJson, List<String> hooks,
    List<String> counters, long reclaimEveryNs, long budget, String base, String where) implements HookModule {

  /** Statements one hook call may run before it is stopped (ResourceLimits.statementLimit). */
  static final long DEFAULT_BUDGET = 1_000_000;

  @Override public List<String> builtinMetrics() { return JsPolicy.BUILTIN_METRICS; }

  @Override public boolean textMetric(String name) { return name.equals("exit"); }
}
